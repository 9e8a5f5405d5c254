import type { Plan } from './types.js';
import type { Assumptions } from './scenarios.js';
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
  ['feedViewsPerUser', 'feed views per DAU per day'],
  ['peakFactor', 'peak factor'],
  ['metadataBytesPerPhoto', 'metadata bytes per upload'],
  ['retentionYears', 'retention years'],
  ['feedViewKB', 'image KB per feed view'],
  ['cdnHitRatio', 'CDN hit ratio'],
  ['userRowBytes', 'bytes per user row'],
  ['followRowBytes', 'bytes per follow row'],
  ['followsPerUser', 'follows per user'],
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

/** The plan as text: assumptions, then one row per figure (value, derivation, the note's figure), then the notes. */
export function formatPlan(p: Plan): string {
  const { scenario: s } = p;
  const lines = [`${s.id}: ${s.title} (design note "${s.source}")`, ''];
  lines.push('assumptions:');
  const assumptions = ASSUMPTION_LABELS.flatMap(([key, label]) => {
    const value = p.assumptions[key];
    if (value === undefined) return [];
    return [[`  ${label}`, formatNumber(value), p.overridden.includes(key) ? '(override)' : '']];
  });
  lines.push(...table(assumptions));
  lines.push(`  targets: feed p99 < ${s.targets.feedP99Ms} ms, upload p99 < ${s.targets.uploadP99Ms / 1000} s`, '');
  const rows = [['figure', 'value', 'derived as', 'note states']];
  for (const f of p.figures) {
    rows.push([
      f.name,
      `${formatNumber(f.value)}${f.unit.startsWith(':') ? '' : ' '}${f.unit}`,
      f.derivation,
      f.stated ?? '',
    ]);
  }
  lines.push(...table(rows));
  if (p.overridden.length > 0) {
    lines.push('', `overridden: ${p.overridden.join(', ')} — the note's figures assume its own values.`);
  }
  if (s.notes.length > 0) {
    lines.push('', 'notes:', ...s.notes.map((n) => `  - ${n}`));
  }
  return lines.join('\n');
}
