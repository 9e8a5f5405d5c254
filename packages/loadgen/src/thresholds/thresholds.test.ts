import { describe, expect, it } from 'vitest';
import type { RunResult } from '../engine/merge.js';
import { evaluateThresholds } from './evaluate.js';
import { parseThreshold } from './parse.js';

function result(overrides: Partial<RunResult> = {}): RunResult {
  const summary = {
    count: 100,
    min: 1,
    mean: 20,
    p50: 15,
    p90: 40,
    p99: 180,
    p999: 400,
    max: 900,
    curve: [],
    histogram: '',
  };
  // Every request: the 100 successes and 10 failures, several of them timeouts at 2 s.
  const all = { ...summary, count: 110, p99: 2_000, max: 2_000, failed: 10 };
  return {
    scenario: 'feed',
    target: 'http://x',
    model: { kind: 'open', stages: [{ rate: 10, seconds: 10 }] },
    workers: 1,
    startedAt: '2026-01-01T00:00:00.000Z',
    elapsedSeconds: 10,
    counts: { scheduled: 100, started: 98, completed: 97, failed: 1, dropped: 2, late: 5 },
    throughput: 9.7,
    errorRate: 0.03,
    primary: 'feed',
    metrics: {
      feed: { ...summary, all },
      upload: { ...summary, p99: 6_000, all: { ...all, p99: 6_000 } },
      like: { ...summary, count: 0, all: { ...all, count: 3, failed: 3 } },
    },
    errors: {},
    samples: [],
    series: [],
    sends: { count: 100, earliestMs: 0, lagP50Ms: 0.1, lagP99Ms: 0.5, lagMaxMs: 2 },
    loadgenCpuSeconds: 1,
    loadgenSpinSeconds: 0.2,
    ...overrides,
  };
}

describe('thresholds', () => {
  it('parses latency, ratio and throughput rules with their units', () => {
    expect(parseThreshold('feed.p99<200ms')).toMatchObject({
      kind: 'latency',
      metric: 'feed',
      stat: 'p99',
      op: '<',
      ms: 200,
    });
    expect(parseThreshold('upload.p99<5s')).toMatchObject({ metric: 'upload', ms: 5000 });
    expect(parseThreshold('feed.p99.9 <= 1.5s')).toMatchObject({ stat: 'p99.9', op: '<=', ms: 1500 });
    expect(parseThreshold('feed.p99<200ms')).toMatchObject({ requests: 'successful' });
    expect(parseThreshold('feed.p99_all<500ms')).toMatchObject({
      metric: 'feed',
      stat: 'p99',
      requests: 'all',
      ms: 500,
    });
    expect(parseThreshold('feed_page.p99.9_all<1s')).toMatchObject({
      metric: 'feed_page',
      stat: 'p99.9',
      requests: 'all',
    });
    expect(parseThreshold('errors<1%')).toMatchObject({ kind: 'ratio', of: 'errors', ratio: 0.01 });
    expect(parseThreshold('throughput>=50')).toMatchObject({ kind: 'throughput', op: '>=', perSecond: 50 });
  });

  it('refuses rules it cannot read, saying how to write them', () => {
    expect(() => parseThreshold('feed<200ms')).toThrow(/which statistic/);
    expect(() => parseThreshold('feed.p99<200')).toThrow(/needs a unit/);
    expect(() => parseThreshold('errors<1')).toThrow(/percentage/);
    expect(() => parseThreshold('p99 under 200')).toThrow(/is not like/);
  });

  it('passes and fails against a run', () => {
    const verdicts = evaluateThresholds(
      ['feed.p99<200ms', 'feed.p99<100ms', 'upload.p99<5s', 'errors<5%', 'errors<1%', 'late<1%', 'throughput>5'].map(
        parseThreshold,
      ),
      result(),
    );
    expect(verdicts.map((v) => v.passed)).toEqual([true, false, false, true, false, false, true]);
    expect(verdicts[1]!.message).toBe('feed.p99 = 180 ms (< 100 ms): FAILED');
    // Dropped starts count as errors: (1 failed + 2 dropped) / 100 due.
    expect(verdicts[3]!.actual).toBeCloseTo(3);
  });

  it('judges successful requests by default and every request with _all', () => {
    const verdicts = evaluateThresholds(
      ['feed.p99<200ms', 'feed.p99_all<200ms', 'feed.max_all<=2s'].map(parseThreshold),
      result(),
    );
    expect(verdicts.map((v) => v.passed)).toEqual([true, false, true]);
    expect(verdicts[1]!.message).toBe('feed.p99_all = 2000 ms (< 200 ms): FAILED');
    // A metric whose every request failed has no successful latency to judge, but all-requests ones.
    const [success, every] = evaluateThresholds(['like.p99<1s', 'like.p99_all<5s'].map(parseThreshold), result());
    expect(success!.passed).toBe(false);
    expect(success!.message).toMatch(/no successful like requests/);
    expect(every!.passed).toBe(true);
  });

  it('fails a latency rule on a metric the run did not measure', () => {
    const [verdict] = evaluateThresholds([parseThreshold('fanout.p99<1s')], result());
    expect(verdict!.passed).toBe(false);
    expect(verdict!.message).toMatch(/no successful fanout requests were measured/);
  });
});
