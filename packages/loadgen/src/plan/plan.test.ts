import { describe, expect, it } from 'vitest';
import { formatPlan, plan, type Figure } from './plan.js';
import { SCENARIOS, type FigureKey, type ScenarioId } from './scenarios.js';
import { toBase } from './units.js';

/**
 * Every figure each note states, with its line in the note (the scenario's `source` names the note),
 * the number as a value and unit, and how far the note's rounding lets what its assumptions give
 * stray from it (relative). Units are the note's: "What is Instagram (Simplified)" writes GB/TB for
 * binary sizes in its table section, so those rows say GiB/TiB.
 */
interface Stated {
  key: FigureKey;
  line: number;
  value: number;
  unit: string;
  /** Relative tolerance implied by the note's rounding (0 = stated exactly). */
  tolerance: number;
}

/** A stated figure the note's own assumptions do not produce: `exact` is what they do produce. */
interface Discrepancy extends Stated {
  exact: number;
  /** Text the scenario's notes must contain, so the plan explains the gap. */
  explainedBy: string;
}

interface Expected {
  consistent: Stated[];
  discrepancies: Discrepancy[];
  /** Stated figures the assumptions cannot derive at all: the plan takes them as given. */
  given?: Stated[];
}

const TABLE: Record<ScenarioId, Expected> = {
  // "Social Networks System Design (Instagram Case Study)"
  'instagram-hashtags-2m-posts': {
    given: [{ key: 'uploadsPerDay', line: 93, value: 2e6, unit: 'uploads', tolerance: 0 }],
    // 2M posts × 8 hashtags.
    consistent: [{ key: 'tagWritesPerDay', line: 93, value: 16e6, unit: 'writes', tolerance: 0 }],
    discrepancies: [],
  },
  // "Instagram / Photo Sharing"
  'instagram-500m-dau': {
    consistent: [
      { key: 'uploadsPerDay', line: 30, value: 100e6, unit: 'uploads', tolerance: 0 },
      // "≈ 1,150" for 1,157.4: the note truncates to three figures; 1 %.
      { key: 'uploadsPerSec', line: 53, value: 1150, unit: 'uploads/s', tolerance: 0.01 },
      { key: 'peakUploadsPerSec', line: 54, value: 2300, unit: 'uploads/s', tolerance: 0.01 },
      { key: 'feedRequestsPerDay', line: 57, value: 10e9, unit: 'requests', tolerance: 0 },
      // "≈ 115,000" for 115,740.7; 1 %.
      { key: 'feedRequestsPerSec', line: 58, value: 115_000, unit: 'requests/s', tolerance: 0.01 },
      { key: 'readWriteRatio', line: 61, value: 100, unit: ':1', tolerance: 0 },
      { key: 'mediaPerDay', line: 68, value: 200, unit: 'TB', tolerance: 0 },
      { key: 'mediaRetained', line: 69, value: 365, unit: 'PB', tolerance: 0 },
      { key: 'metadataPerDay', line: 73, value: 100, unit: 'GB', tolerance: 0 },
      // "180 TB" for 182.5: two significant figures, ±5.
      { key: 'metadataRetained', line: 74, value: 180, unit: 'TB', tolerance: 5 / 180 },
      // Built on the truncated 1,150 and 115,000, so they inherit that 1 %.
      { key: 'ingressPerSec', line: 80, value: 2.3, unit: 'GB/s', tolerance: 0.01 },
      { key: 'egressPerSec', line: 83, value: 57.5, unit: 'GB/s', tolerance: 0.01 },
      // "2.9" for 2.894: ±0.05.
      { key: 'originEgressPerSec', line: 84, value: 2.9, unit: 'GB/s', tolerance: 0.05 / 2.9 },
    ],
    discrepancies: [
      // 300,000 is 2.6× the average; the note's stated factor (2×) gives 231,481.
      {
        key: 'peakFeedRequestsPerSec',
        line: 59,
        value: 300_000,
        unit: 'requests/s',
        tolerance: 0.05,
        exact: 2e10 / 86_400,
        explainedBy: '231,481',
      },
    ],
  },
  // "What is Instagram (Simplified)"
  'photo-app-1m-dau': {
    consistent: [
      { key: 'uploadsPerDay', line: 41, value: 2e6, unit: 'uploads', tolerance: 0 },
      // "~23": 23.15 rounds to 23 (±0.5).
      { key: 'uploadsPerSec', line: 41, value: 23, unit: 'uploads/s', tolerance: 0.5 / 23 },
      { key: 'mediaPerDay', line: 44, value: 400, unit: 'GB', tolerance: 0 },
      // "1425TB (~1.4PB)": the note's 1425 is 1,460 decimal TB ÷ 1.024 (see the scenario notes); 5 %.
      { key: 'mediaRetained', line: 45, value: 1425, unit: 'TB', tolerance: 0.05 },
      // "~32 GB" (binary): ±0.5.
      { key: 'userTable', line: 112, value: 32, unit: 'GiB', tolerance: 0.5 / 32 },
      // "~0.5 GB" (binary): one significant figure, ±0.05.
      { key: 'metadataPerDay', line: 123, value: 0.5, unit: 'GiB', tolerance: 0.1 },
      // "~1.88 TB" (binary): 1.8856 truncated; 1 %.
      { key: 'metadataRetained', line: 124, value: 1.88, unit: 'TiB', tolerance: 0.01 },
      { key: 'followRows', line: 131, value: 250e9, unit: 'rows', tolerance: 0 },
      // "~1.82 TB" (binary): ±0.005.
      { key: 'followTable', line: 132, value: 1.82, unit: 'TiB', tolerance: 0.005 / 1.82 },
      // "≈ 3.7 TB" (binary): ±0.05.
      { key: 'tablesRetained', line: 138, value: 3.7, unit: 'TiB', tolerance: 0.05 / 3.7 },
    ],
    discrepancies: [],
  },
  // "Design Instagram"
  'instagram-50m-dau': {
    consistent: [
      { key: 'postersPerDay', line: 27, value: 10e6, unit: 'users', tolerance: 0 },
      { key: 'uploadsPerDay', line: 27, value: 60e6, unit: 'uploads', tolerance: 0 },
      { key: 'feedRequestsPerDay', line: 29, value: 1e9, unit: 'requests', tolerance: 0 },
    ],
    discrepancies: [
      // 60M ÷ 86,400 = 694.4; the note divides by 100,000.
      {
        key: 'uploadsPerSec',
        line: 27,
        value: 600,
        unit: 'uploads/s',
        tolerance: 0.05,
        exact: 60e6 / 86_400,
        explainedBy: '100,000 s/day',
      },
      {
        key: 'peakUploadsPerSec',
        line: 27,
        value: 1200,
        unit: 'uploads/s',
        tolerance: 0.05,
        exact: (2 * 60e6) / 86_400,
        explainedBy: '1,200',
      },
      {
        key: 'feedRequestsPerSec',
        line: 29,
        value: 10_000,
        unit: 'requests/s',
        tolerance: 0.05,
        exact: 1e9 / 86_400,
        explainedBy: '11,574/s (it says 10,000)',
      },
      {
        key: 'peakFeedRequestsPerSec',
        line: 29,
        value: 20_000,
        unit: 'requests/s',
        tolerance: 0.05,
        exact: 2e9 / 86_400,
        explainedBy: '20,000',
      },
      // 10M posters × (5 × 5 MB + 150 MB) = 1.75 PB, not 1 PB.
      {
        key: 'mediaPerDay',
        line: 28,
        value: 1,
        unit: 'PB',
        tolerance: 0.05,
        exact: 1.75e15,
        explainedBy: '1.75 PB/day',
      },
      {
        key: 'mediaPerYear',
        line: 28,
        value: 400,
        unit: 'PB',
        tolerance: 0.1,
        exact: 1.75e15 * 365,
        explainedBy: '400 Petabyte / year',
      },
    ],
  },
};

const figureOf = (figures: Figure[], key: FigureKey): Figure => {
  const figure = figures.find((f) => f.key === key);
  if (!figure) throw new Error(`no figure ${key}`);
  return figure;
};
const base = (f: Figure): number => toBase(f.value, f.unit);
const alone = (f: Figure): number => toBase(f.fromAssumptions ?? Number.NaN, f.unit);
const relativeGap = (actual: number, expected: number): number => Math.abs(actual - expected) / Math.abs(expected);

describe.each(Object.keys(TABLE) as ScenarioId[])('plan(%s)', (id) => {
  const { consistent, discrepancies, given = [] } = TABLE[id];
  const s = SCENARIOS[id];
  const result = plan(s);

  it.each([...given, ...consistent, ...discrepancies])('uses the note’s $key (line $line: $value $unit)', (row) => {
    const figure = figureOf(result.figures, row.key);
    expect(figure.basis).toBe('stated');
    expect(figure.source).toBe(`stated ("${s.source}", line ${row.line})`);
    expect(figure.stated?.line).toBe(row.line);
    expect(relativeGap(base(figure), toBase(row.value, row.unit))).toBeLessThan(1e-9);
  });

  it.each(consistent)('agrees with its assumptions on $key within the note’s rounding', (row) => {
    const figure = figureOf(result.figures, row.key);
    expect(relativeGap(alone(figure), toBase(row.value, row.unit))).toBeLessThanOrEqual(row.tolerance + 1e-12);
  });

  if (discrepancies.length > 0) {
    it.each(discrepancies)('shows what the assumptions give for $key and explains the gap to line $line', (row) => {
      const figure = figureOf(result.figures, row.key);
      expect(relativeGap(alone(figure), row.exact)).toBeLessThan(1e-9);
      expect(relativeGap(alone(figure), toBase(row.value, row.unit))).toBeGreaterThan(row.tolerance);
      expect(s.notes.join('\n')).toContain(row.explainedBy);
    });
  }

  it('lists every figure the note states in this table, and no other', () => {
    const withStated = result.figures.filter((f) => f.stated !== undefined).map((f) => f.key);
    const listed = [...given, ...consistent, ...discrepancies].map((r) => r.key);
    expect([...withStated].sort()).toEqual([...listed].sort());
  });

  it('marks every other figure derived, and says how', () => {
    for (const figure of result.figures.filter((f) => f.stated === undefined)) {
      expect(figure.basis).toBe('derived');
      expect(figure.source).toBe(`derived (${figure.derivation})`);
    }
  });

  it('exposes the peak rates the check command targets', () => {
    expect(result.peakUploadsPerSec).toBe(figureOf(result.figures, 'peakUploadsPerSec').value);
    const feed = result.figures.find((f) => f.key === 'peakFeedRequestsPerSec');
    expect(result.peakFeedRequestsPerSec).toBe(feed?.value ?? null);
  });
});

describe('stated figures beat derived ones', () => {
  it('sizes instagram-500m-dau for the note’s 300,000 feed requests/s, not 2× the average', () => {
    const p = plan(SCENARIOS['instagram-500m-dau']);
    expect(p.peakFeedRequestsPerSec).toBe(300_000);
    const peak = figureOf(p.figures, 'peakFeedRequestsPerSec');
    expect(peak.unit).toBe('requests/s');
    expect(peak.fromAssumptions).toBeCloseTo(231_481.48, 1);
    expect(formatPlan(p)).toMatch(
      /feed requests\/s \(peak\)\s+300,000 requests\/s\s+stated \("Instagram \/ Photo Sharing", line 59\)\s+"Peak: 300,000 reads\/second"\s+231,481 requests\/s/,
    );
    // Survives JSON, as `--json` prints it.
    const json = JSON.parse(JSON.stringify(p)) as { figures: Figure[] };
    expect(figureOf(json.figures, 'peakFeedRequestsPerSec')).toMatchObject({ basis: 'stated', value: 300_000 });
  });

  it('derives what a note leaves out from the figures it states', () => {
    // "~23 photos/sec" stated, no peak: the peak is 23 × 2, not 23.15 × 2.
    const app = plan(SCENARIOS['photo-app-1m-dau']);
    expect(figureOf(app.figures, 'peakUploadsPerSec')).toMatchObject({
      value: 46,
      basis: 'derived',
      source: 'derived (23/s × 2 peak factor)',
    });
    // Design Instagram's 1,200 writes/s at the peak, a sixth of them videos of 150 MB.
    const video = plan(SCENARIOS['instagram-50m-dau']);
    expect(video.peakVideoUploadsPerSec).toBeCloseTo(200, 9);
    expect(video.peakVideoIngressBytesPerSec).toBeCloseTo(200 * 150e6, 0);
  });
});
