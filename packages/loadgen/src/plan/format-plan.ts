import type { Plan } from './types.js';
import type { Assumptions, FigureKey, ScenarioId } from './scenario-types.js';
import { formatNumber } from './units.js';

/** How each assumption reads in the printed plan, in the order it is printed. */
const ASSUMPTION_LABELS: [keyof Assumptions, string][] = [
  ['totalUsers', 'total users'],
  ['dau', 'daily active users'],
  ['postingShare', 'share of DAU posting per day'],
  ['photosPerPoster', 'photos per posting user per day'],
  ['videosPerPoster', 'videos per posting user per day'],
  ['photoKB', 'KB stored per photo'],
  ['videoKB', 'KB stored per video'],
  ['feedViewsPerUser', 'feed requests per DAU per day'],
  ['peakFactor', 'peak factor'],
  ['metadataBytesPerPhoto', 'metadata bytes per upload'],
  ['retentionYears', 'retention years'],
  ['feedViewKB', 'image KB per feed request'],
  ['cdnHitRatio', 'CDN hit ratio'],
  ['userRowBytes', 'bytes per user row'],
  ['followRowBytes', 'bytes per follow row'],
  ['followsPerUser', 'follows per user'],
  ['hashtagsPerPost', 'hashtags per post'],
  ['eventRetentionDays', 'event retention days'],
  ['connectionsPerServer', 'connections per web server'],
];

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

const withUnit = (value: number, unit: string) => `${formatNumber(value)}${unit.startsWith(':') ? '' : ' '}${unit}`;

/**
 * The plan as text: assumptions (with the note's line, or "override"), then one row per figure —
 * its value, its basis ("stated (note, line)" or "derived (how)"), the note's words, and what the
 * assumptions alone give where that differs from the note — then the notes.
 */
export function formatPlan(p: Plan): string {
  const { scenario: s } = p;
  const formerly = s.aliases.length > 0 ? ` (formerly ${s.aliases.join(', ')})` : '';
  const lines = [`${s.id}${formerly}: ${s.title} (design note "${s.source}")`, ''];
  lines.push('assumptions:');
  const assumptions = ASSUMPTION_LABELS.flatMap(([key, label]) => {
    const value = p.assumptions[key];
    if (value === undefined) return [];
    const line = s.assumptionLines[key];
    const origin = p.overridden.includes(key) ? '(override)' : line !== undefined ? `(line ${line})` : '(borrowed)';
    return [[`  ${label}`, formatNumber(value), origin]];
  });
  lines.push(...table(assumptions));
  const feed = s.targets.feedP99Ms === undefined ? 'no feed target' : `feed p99 < ${s.targets.feedP99Ms} ms`;
  lines.push(`  targets: ${feed}, upload p99 < ${s.targets.uploadP99Ms / 1000} s`);
  lines.push(
    '  units: feed figures count requests (one home-feed page each), upload figures files (a photo or a video)',
    '',
  );
  const rows = [['figure', 'value', 'basis', 'note states', 'assumptions alone give']];
  for (const f of p.figures) {
    const alone =
      f.fromAssumptions !== undefined && Math.abs(f.fromAssumptions - f.value) > 0.005 * Math.abs(f.value)
        ? withUnit(f.fromAssumptions, f.unit)
        : '';
    rows.push([f.name, withUnit(f.value, f.unit), f.source, f.stated ? `"${f.stated.text}"` : '', alone]);
  }
  lines.push(...table(rows));
  if (p.overridden.length > 0) {
    lines.push(
      '',
      `overridden: ${p.overridden.join(', ')} — the note's figures that rest on them are derived instead.`,
    );
  }
  if (s.notes.length > 0) {
    lines.push('', 'notes:', ...s.notes.map((n) => `  - ${n}`));
  }
  return lines.join('\n');
}

/** One figure a note states, for the listing of every scenario's stated figures. */
export interface StatedFigureRow {
  scenario: ScenarioId;
  source: string;
  figure: FigureKey;
  name: string;
  text: string;
  line: number;
  /** The value the plan uses (the note's), in `unit`. */
  value: number;
  unit: string;
}

/** Every figure the notes state, with its source and line, from each scenario's plan. */
export function statedFigures(plans: readonly Plan[]): StatedFigureRow[] {
  return plans.flatMap(({ scenario: s, figures }) =>
    figures.flatMap((f) =>
      f.stated === undefined
        ? []
        : [
            {
              scenario: s.id,
              source: s.source,
              figure: f.key,
              name: f.name,
              ...f.stated,
              value: f.value,
              unit: f.unit,
            },
          ],
    ),
  );
}

/** `aperture loadgen plan` without a scenario: each scenario, its note, and the figures it states by line. */
export function formatStatedFigures(plans: readonly Plan[]): string {
  const lines: string[] = [];
  for (const p of plans) {
    const s = p.scenario;
    const formerly = s.aliases.length > 0 ? ` (formerly ${s.aliases.join(', ')})` : '';
    lines.push(`${s.id}${formerly}: ${s.title} (design note "${s.source}")`);
    const rows = statedFigures([p]).map((r) => [`  line ${r.line}`, r.name, withUnit(r.value, r.unit), `"${r.text}"`]);
    lines.push(...table(rows), '');
  }
  lines.push('`aperture loadgen plan --scenario <id>` derives what the notes leave out, and marks which is which.');
  return lines.join('\n');
}
