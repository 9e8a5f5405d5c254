import { describe, expect, it } from 'vitest';
import { formatPlan, formatStatedFigures, parseOverrides, plan, statedFigures, type Figure } from './plan.js';
import { deprecationWarning, findScenario, lookupScenario, SCENARIOS, SCENARIO_IDS } from './scenarios.js';
import type { FigureKey } from './scenario-types.js';
import { toBase } from './units.js';

const figureOf = (figures: Figure[], key: FigureKey): Figure => {
  const figure = figures.find((f) => f.key === key);
  if (!figure) throw new Error(`no figure ${key}`);
  return figure;
};
const base = (f: Figure): number => toBase(f.value, f.unit);

describe('plan overrides', () => {
  it('derives the stated figures that rest on --dau, keeps the others, and says which were overridden', () => {
    const s = SCENARIOS['instagram-500m-dau'];
    const after = plan(s, parseOverrides({ dau: '1b', photoKb: '1000' }));
    expect(after.assumptions.dau).toBe(1e9);
    expect(after.overridden.sort()).toEqual(['dau', 'photoKB']);
    // The note's 300,000/s described 500M DAU: at 1B it is derived, 2× the average.
    expect(after.peakFeedRequestsPerSec).toBeCloseTo((2 * 20e9) / 86_400, 6);
    expect(figureOf(after.figures, 'peakFeedRequestsPerSec').source).toMatch(
      /^derived \(.*line 59, assumed its own dau\)$/,
    );
    // Twice the photos at half the size: the same bytes per day, now derived.
    expect(base(figureOf(after.figures, 'mediaPerDay'))).toBeCloseTo(200e12, 0);
    expect(figureOf(after.figures, 'mediaPerDay').basis).toBe('derived');
    expect(formatPlan(after)).toContain('overridden: dau, photoKB');
  });

  it('keeps a stated figure that the override does not touch', () => {
    const p = plan(SCENARIOS['instagram-500m-dau'], { photoKB: 1_000 });
    expect(p.peakFeedRequestsPerSec).toBe(300_000);
    expect(figureOf(p.figures, 'mediaPerDay').basis).toBe('derived');
    // Ingress follows the note's own upload rate at the new size.
    expect(base(figureOf(p.figures, 'peakIngressPerSec'))).toBeCloseTo(2300 * 1e6, 0);
  });

  it('applies a peak factor to the stated averages', () => {
    const p = plan(SCENARIOS['instagram-50m-dau'], { peakFactor: 3 });
    expect(p.peakUploadsPerSec).toBeCloseTo(3 * 600, 9);
    expect(p.peakFeedRequestsPerSec).toBeCloseTo(3 * 10_000, 9);
    expect(figureOf(p.figures, 'uploadsPerSec')).toMatchObject({ value: 600, basis: 'stated' });
  });

  it('adds egress figures when an image size per feed request is given', () => {
    const s = SCENARIOS['photo-app-1m-dau'];
    expect(plan(s).figures.some((f) => f.key === 'egressPerSec')).toBe(false);
    const p = plan(s, parseOverrides(['--feed-view-kb', '500', '--cdn-hit-ratio=90%']));
    expect(base(figureOf(p.figures, 'egressPerSec'))).toBeCloseTo(((1e6 * 20) / 86_400) * 500_000, 3);
    expect(base(figureOf(p.figures, 'originEgressPerSec'))).toBeCloseTo(((1e6 * 20) / 86_400) * 50_000, 3);
  });

  it("models instagram-50m-dau's media mix: one video per five photos, the videos' rate and bandwidth apart", () => {
    const p = plan(SCENARIOS['instagram-50m-dau']);
    expect(p.videoShare).toBeCloseTo(1 / 6, 12);
    expect(figureOf(p.figures, 'peakVideoUploadsPerSec').value).toBeCloseTo(p.peakVideoUploadsPerSec, 9);
    // 1,000 photos/s × 5 MB and 200 videos/s × 150 MB at the note's 1,200 writes/s.
    expect(p.peakPhotoIngressBytesPerSec).toBeCloseTo(1000 * 5e6, 0);
    expect(base(figureOf(p.figures, 'peakVideoIngressPerSec'))).toBeCloseTo(p.peakVideoIngressBytesPerSec, 0);
    expect(p.peakPhotoIngressBytesPerSec + p.peakVideoIngressBytesPerSec).toBeCloseTo(
      base(figureOf(p.figures, 'peakIngressPerSec')),
      0,
    );
    expect(formatPlan(p)).toMatch(/video ingress \(peak\)\s+30 GB\/s/);
    // Photo-only notes have no video figures and send no videos.
    const photosOnly = plan(SCENARIOS['photo-app-1m-dau']);
    expect(photosOnly.videoShare).toBe(0);
    expect(photosOnly.figures.some((f) => f.key === 'peakVideoIngressPerSec')).toBe(false);
  });

  it('never changes the scenario it was given', () => {
    plan(SCENARIOS['photo-app-1m-dau'], { dau: 5 });
    expect(SCENARIOS['photo-app-1m-dau'].assumptions.dau).toBe(1_000_000);
  });

  it('rejects an invalid override passed programmatically', () => {
    expect(() => plan(SCENARIOS['photo-app-1m-dau'], { cdnHitRatio: 2 })).toThrow(
      'cdnHitRatio must be between 0 and 1',
    );
  });

  it('refuses an override that changes no figure of the scenario', () => {
    expect(() => plan(SCENARIOS['instagram-hashtags-2m-posts'], { dau: 5e6 })).toThrow(
      '--dau changes no figure of instagram-hashtags-2m-posts',
    );
  });
});

describe('scenario names', () => {
  it('names each scenario after what it models, and keeps the former ids as deprecated aliases', () => {
    expect(SCENARIO_IDS).toEqual([
      'instagram-hashtags-2m-posts',
      'instagram-500m-dau',
      'photo-app-1m-dau',
      'instagram-50m-dau',
    ]);
    const cases: [string, string, string][] = [
      ['seed-001', 'photo-app-1m-dau', 'What is Instagram (Simplified)'],
      ['seed-002', 'instagram-50m-dau', 'Design Instagram'],
      ['seed-003', 'instagram-500m-dau', 'Instagram / Photo Sharing'],
    ];
    for (const [old, id, source] of cases) {
      const found = lookupScenario(old);
      expect(found.scenario.id).toBe(id);
      expect(found.scenario.source).toBe(source);
      expect(deprecationWarning(found)).toBe(
        `warning: scenario "${old}" is deprecated, use "${id}" (same scenario, renamed after what it models).`,
      );
      expect(findScenario(old)).toBe(SCENARIOS[id as keyof typeof SCENARIOS]);
    }
    expect(deprecationWarning(lookupScenario('instagram-500m-dau'))).toBeNull();
    expect(() => findScenario('seed-004')).toThrow(
      'Unknown scenario "seed-004": use one of instagram-hashtags-2m-posts, instagram-500m-dau, photo-app-1m-dau, instagram-50m-dau.',
    );
  });

  it('lists every stated figure of every note, with its source and line', () => {
    const plans = SCENARIO_IDS.map((id) => plan(SCENARIOS[id]));
    const rows = statedFigures(plans);
    const expected = SCENARIO_IDS.reduce((n, id) => n + Object.keys(SCENARIOS[id].stated).length, 0);
    expect(rows).toHaveLength(expected);
    expect(rows).toContainEqual(
      expect.objectContaining({
        scenario: 'instagram-500m-dau',
        source: 'Instagram / Photo Sharing',
        line: 59,
        value: 300_000,
      }),
    );
    const text = formatStatedFigures(plans);
    for (const id of SCENARIO_IDS) expect(text).toContain(`${id}`);
    expect(text).toMatch(
      /line 93\s+tag writes\/day\s+16,000,000 writes\s+"2M posts\/day × 8 tags\/post = 16M writes\/day"/,
    );
  });
});

describe('the Instagram case-study notes and the connection limit', () => {
  it('plans 16M tag writes a day from 2M posts × 8 hashtags, and 14 days of events', () => {
    const p = plan(SCENARIOS['instagram-hashtags-2m-posts']);
    expect(figureOf(p.figures, 'tagWritesPerDay')).toMatchObject({
      value: 16e6,
      basis: 'stated',
      fromAssumptions: 16e6,
    });
    expect(figureOf(p.figures, 'peakTagWritesPerSec').value).toBeCloseTo((2 * 16e6) / 86_400, 9);
    expect(figureOf(p.figures, 'eventsRetained').value).toBe(28e6);
    expect(p.peakUploadsPerSec).toBeCloseTo((2 * 2e6) / 86_400, 9);
    // No users, feed or sizes in this note: no such figures, and `check` has no feed peak to hold.
    expect(p.peakFeedRequestsPerSec).toBeNull();
    expect(p.figures.map((f) => f.key)).not.toContain('mediaPerDay');
    // Other notes get tag figures when asked.
    const tags = plan(SCENARIOS['instagram-500m-dau'], parseOverrides(['--hashtags-per-post', '3']));
    expect(figureOf(tags.figures, 'tagWritesPerDay').value).toBe(300e6);
  });

  it('counts web servers by the 500-connection limit of "What is Instagram (Simplified)"', () => {
    const p = plan(SCENARIOS['photo-app-1m-dau']);
    expect(SCENARIOS['photo-app-1m-dau'].assumptionLines.connectionsPerServer).toBe(146);
    // 46 uploads/s held up to 5 s each; 463 feed requests/s up to 0.2 s.
    expect(figureOf(p.figures, 'peakUploadConnections').value).toBeCloseTo(230, 9);
    expect(figureOf(p.figures, 'uploadServers').value).toBe(1);
    expect(figureOf(p.figures, 'peakFeedConnections').value).toBeCloseTo(((2 * 20e6) / 86_400) * 0.2, 9);
    const tight = plan(SCENARIOS['photo-app-1m-dau'], { connectionsPerServer: 100 });
    expect(figureOf(tight.figures, 'uploadServers').value).toBe(3);
    const big = plan(SCENARIOS['instagram-500m-dau'], parseOverrides(['--connections-per-server', '500']));
    expect(figureOf(big.figures, 'uploadServers').value).toBe(Math.ceil((2300 * 5) / 500));
    expect(figureOf(big.figures, 'feedServers').value).toBe(Math.ceil((300_000 * 0.5) / 500));
  });
});

describe('parseOverrides', () => {
  it('reads suffixes, percentages and both flag spellings', () => {
    expect(parseOverrides(['--dau', '2m', '--photo-kb=300', '--peak-factor', '2.5', '--cdn-hit-ratio', '95%'])).toEqual(
      { dau: 2e6, photoKB: 300, peakFactor: 2.5, cdnHitRatio: 0.95 },
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
