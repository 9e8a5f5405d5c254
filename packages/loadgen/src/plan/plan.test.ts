import { describe, expect, it } from 'vitest';
import { formatPlan, parseOverrides, plan, type Figure } from './plan.js';
import { SCENARIOS, type FigureKey, type ScenarioId } from './scenarios.js';
import { toBase } from './units.js';

/**
 * Every figure each note states, with its line in the note (the scenario's `source` names the note),
 * the number as a value and unit, and how far the note's rounding lets the exact value stray
 * (relative). Units are the note's: "What is Instagram (Simplified)" writes GB/TB for binary sizes
 * in its table section, so those rows say GiB/TiB.
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

const TABLE: Record<ScenarioId, { consistent: Stated[]; discrepancies: Discrepancy[] }> = {
  // "What is Instagram (Simplified)"
  'seed-001': {
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
  'seed-002': {
    consistent: [
      { key: 'postersPerDay', line: 27, value: 10e6, unit: 'users', tolerance: 0 },
      { key: 'uploadsPerDay', line: 27, value: 60e6, unit: 'uploads', tolerance: 0 },
      { key: 'feedReadsPerDay', line: 29, value: 1e9, unit: 'reads', tolerance: 0 },
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
        key: 'feedReadsPerSec',
        line: 29,
        value: 10_000,
        unit: 'reads/s',
        tolerance: 0.05,
        exact: 1e9 / 86_400,
        explainedBy: '11,574/s (it says 10,000)',
      },
      {
        key: 'peakFeedReadsPerSec',
        line: 29,
        value: 20_000,
        unit: 'reads/s',
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
  // "Instagram / Photo Sharing"
  'seed-003': {
    consistent: [
      { key: 'uploadsPerDay', line: 30, value: 100e6, unit: 'uploads', tolerance: 0 },
      // "≈ 1,150" for 1,157.4: the note truncates to three figures; 1 %.
      { key: 'uploadsPerSec', line: 53, value: 1150, unit: 'uploads/s', tolerance: 0.01 },
      { key: 'peakUploadsPerSec', line: 54, value: 2300, unit: 'uploads/s', tolerance: 0.01 },
      { key: 'feedReadsPerDay', line: 57, value: 10e9, unit: 'reads', tolerance: 0 },
      // "≈ 115,000" for 115,740.7 (the brief's example); 1 %.
      { key: 'feedReadsPerSec', line: 58, value: 115_000, unit: 'reads/s', tolerance: 0.01 },
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
        key: 'peakFeedReadsPerSec',
        line: 59,
        value: 300_000,
        unit: 'reads/s',
        tolerance: 0.05,
        exact: 2e10 / 86_400,
        explainedBy: '231,481',
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
const relativeGap = (actual: number, expected: number): number => Math.abs(actual - expected) / Math.abs(expected);

describe.each(Object.keys(TABLE) as ScenarioId[])('plan(%s)', (id) => {
  const { consistent, discrepancies } = TABLE[id];
  const result = plan(SCENARIOS[id]);

  it.each(consistent)('reproduces $key (line $line: $value $unit)', (row) => {
    const figure = figureOf(result.figures, row.key);
    expect(figure.stated).toContain(`line ${row.line}`);
    const gap = relativeGap(base(figure), toBase(row.value, row.unit));
    expect(gap).toBeLessThanOrEqual(row.tolerance + 1e-12);
  });

  if (discrepancies.length > 0) {
    it.each(discrepancies)('derives $key from the assumptions and explains the gap to line $line', (row) => {
      const figure = figureOf(result.figures, row.key);
      expect(figure.stated).toContain(`line ${row.line}`);
      expect(relativeGap(base(figure), row.exact)).toBeLessThan(1e-9);
      expect(relativeGap(base(figure), toBase(row.value, row.unit))).toBeGreaterThan(row.tolerance);
      expect(SCENARIOS[id].notes.join('\n')).toContain(row.explainedBy);
    });
  }

  it('lists every figure the note states in this table, and no other', () => {
    const withStated = result.figures.filter((f) => f.stated !== undefined).map((f) => f.key);
    const listed = [...consistent, ...discrepancies].map((r) => r.key);
    expect([...withStated].sort()).toEqual([...listed].sort());
  });

  it('exposes the peak rates the check command targets', () => {
    expect(result.peakFeedReadsPerSec).toBe(figureOf(result.figures, 'peakFeedReadsPerSec').value);
    expect(result.peakUploadsPerSec).toBe(figureOf(result.figures, 'peakUploadsPerSec').value);
  });
});

describe('plan overrides', () => {
  it('scales rates and storage with --dau and --photo-kb, and marks them overridden', () => {
    const s = SCENARIOS['seed-003'];
    const before = plan(s);
    const after = plan(s, parseOverrides({ dau: '1b', photoKb: '1000' }));
    expect(after.assumptions.dau).toBe(1e9);
    expect(after.overridden.sort()).toEqual(['dau', 'photoKB']);
    expect(after.peakFeedReadsPerSec).toBeCloseTo(before.peakFeedReadsPerSec * 2, 6);
    expect(after.peakUploadsPerSec).toBeCloseTo(before.peakUploadsPerSec * 2, 6);
    // Twice the photos at half the size: the same bytes per day.
    expect(base(figureOf(after.figures, 'mediaPerDay'))).toBeCloseTo(base(figureOf(before.figures, 'mediaPerDay')), 0);
    expect(formatPlan(after)).toContain('overridden: dau, photoKB');
  });

  it('applies a peak factor to both peaks and nothing else', () => {
    const s = SCENARIOS['seed-002'];
    const p = plan(s, { peakFactor: 3 });
    expect(p.peakUploadsPerSec).toBeCloseTo((3 * 60e6) / 86_400, 9);
    expect(p.peakFeedReadsPerSec).toBeCloseTo((3 * 1e9) / 86_400, 9);
    expect(figureOf(p.figures, 'uploadsPerSec').value).toBeCloseTo(60e6 / 86_400, 9);
  });

  it('adds egress figures when an image size per feed view is given', () => {
    const s = SCENARIOS['seed-001'];
    expect(plan(s).figures.some((f) => f.key === 'egressPerSec')).toBe(false);
    const p = plan(s, parseOverrides(['--feed-view-kb', '500', '--cdn-hit-ratio=90%']));
    expect(base(figureOf(p.figures, 'egressPerSec'))).toBeCloseTo(((1e6 * 20) / 86_400) * 500_000, 3);
    expect(base(figureOf(p.figures, 'originEgressPerSec'))).toBeCloseTo(((1e6 * 20) / 86_400) * 50_000, 3);
  });

  it("models seed-002's media mix: one video per five photos, the videos' rate and bandwidth apart", () => {
    const p = plan(SCENARIOS['seed-002']);
    expect(p.videoShare).toBeCloseTo(1 / 6, 12);
    expect(p.peakVideoUploadsPerSec).toBeCloseTo((2 * 10e6) / 86_400, 9);
    expect(figureOf(p.figures, 'peakVideoUploadsPerSec').value).toBeCloseTo(p.peakVideoUploadsPerSec, 9);
    // 50M photos × 5 MB and 10M videos × 150 MB a day, at twice the average.
    expect(p.peakPhotoIngressBytesPerSec).toBeCloseTo((2 * 50e6 * 5e6) / 86_400, 0);
    expect(p.peakVideoIngressBytesPerSec).toBeCloseTo((2 * 10e6 * 150e6) / 86_400, 0);
    expect(base(figureOf(p.figures, 'peakVideoIngressPerSec'))).toBeCloseTo(p.peakVideoIngressBytesPerSec, 0);
    expect(p.peakPhotoIngressBytesPerSec + p.peakVideoIngressBytesPerSec).toBeCloseTo(
      base(figureOf(p.figures, 'peakIngressPerSec')),
      0,
    );
    expect(formatPlan(p)).toMatch(/video ingress \(peak\)\s+34\.7 GB\/s/);
    // Photo-only notes have no video figures and send no videos.
    const photosOnly = plan(SCENARIOS['seed-001']);
    expect(photosOnly.videoShare).toBe(0);
    expect(photosOnly.figures.some((f) => f.key === 'peakVideoIngressPerSec')).toBe(false);
  });

  it('never changes the scenario it was given', () => {
    plan(SCENARIOS['seed-001'], { dau: 5 });
    expect(SCENARIOS['seed-001'].assumptions.dau).toBe(1_000_000);
  });

  it('rejects an invalid override passed programmatically', () => {
    expect(() => plan(SCENARIOS['seed-001'], { cdnHitRatio: 2 })).toThrow('cdnHitRatio must be between 0 and 1');
  });
});

describe('parseOverrides', () => {
  it('reads suffixes, percentages and both flag spellings', () => {
    expect(parseOverrides(['--dau', '2m', '--photo-kb=300', '--peak-factor', '2.5', '--cdn-hit-ratio', '95%'])).toEqual(
      {
        dau: 2e6,
        photoKB: 300,
        peakFactor: 2.5,
        cdnHitRatio: 0.95,
      },
    );
    expect(parseOverrides({ totalUsers: '1.5B', 'follows-per-user': '1_000', json: true })).toEqual({
      totalUsers: 1.5e9,
      followsPerUser: 1000,
    });
  });

  it.each([
    [['--dau', 'lots'], '--dau is not a number: got "lots" (e.g. 2m, 500k or 1500).'],
    [['--dau', '-5'], '--dau is not a number: got "-5"'],
    [['--peak-factor', '0'], '--peak-factor must be greater than 0: got "0"'],
    [['--cdn-hit-ratio', '1.5'], '--cdn-hit-ratio must be between 0 and 1 (or 0%-100%): got "1.5" (e.g. 0.95 or 95%).'],
    [['--dau'], '--dau needs a value.'],
    [['--dau', '--photo-kb', '3'], '--dau needs a value.'],
    [['--users', '5'], 'Unknown override "--users": use --total-users, --dau,'],
    [['2m'], 'Unknown override "2m"'],
  ])('rejects %j with a message naming the flag', (argv, message) => {
    expect(() => parseOverrides(argv)).toThrow(message);
  });

  it('rejects garbage in an options object too', () => {
    expect(() => parseOverrides({ photoKb: '3 MB' })).toThrow('--photo-kb is not a number: got "3 MB"');
  });
});
