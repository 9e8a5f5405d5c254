import { describe, expect, it } from 'vitest';
import type { RunResult } from '../engine/merge.js';
import type { CheckResult } from './check.js';
import { formatCheck } from './format-check.js';
import { MIN_SAMPLES, stepDuration, type MeasuredStep } from './step.js';
import { judgeStep, rateVerdict, withPeak } from './verdict.js';

// Verdicts are arithmetic over measured steps; these steps are written out with the numbers a
// real one would carry (test/seeded-world.test.ts measures real ones against a real server).
function step(kind: 'feed' | 'upload', rate: number, fields: Partial<MeasuredStep>): MeasuredStep {
  const run: RunResult = {
    scenario: kind,
    target: 'http://127.0.0.1:1',
    model: { kind: 'open', stages: [{ rate, seconds: 5 }] },
    workers: 1,
    startedAt: new Date(0).toISOString(),
    elapsedSeconds: 5,
    counts: { scheduled: 0, started: 0, completed: 0, failed: 0, dropped: 0, late: 0 },
    throughput: 0,
    errorRate: 0,
    primary: kind,
    metrics: {},
    errors: {},
    samples: [],
    series: [],
    sends: { count: 0, earliestMs: 0, lagP50Ms: 0, lagP99Ms: 0, lagMaxMs: 0 },
    loadgenCpuSeconds: 0,
    loadgenSpinSeconds: 0,
  };
  return {
    kind,
    rate,
    seconds: 5,
    samples: MIN_SAMPLES,
    requestsPerVisit: 1,
    videoShare: 0,
    hashtagsPerPost: 0,
    p99: 50,
    p99All: 50,
    errorRate: 0,
    late: 0,
    dropped: 0,
    serverCores: 0.2,
    loadgenCores: 0.1,
    machineLoad: 0.1,
    videos: null,
    run,
    ...fields,
  };
}

describe('step sizing', () => {
  it('runs a step until 210 samples are due, photos only for uploads, up to the longest allowed', () => {
    const options = { stepSeconds: 5, maxStepSeconds: 600 };
    // 2 uploads/s used to last 5 s (10 samples); now 105 s.
    expect(stepDuration(options, 2)).toBe(105);
    // A sixth are videos, not in the photos' p99: 210 photos need 252 uploads.
    expect(stepDuration(options, 2, 1 / 6)).toBe(126);
    expect(stepDuration(options, 100)).toBe(5);
    expect(stepDuration(options, 0.1)).toBe(600);
    expect(stepDuration({ stepSeconds: 5, maxStepSeconds: 1 }, 0.1)).toBe(5);
  });
});

describe('judging a step', () => {
  it('passes only on at least 200 samples, and calls fewer inconclusive', () => {
    expect(judgeStep(step('upload', 2, { samples: 200, p99: 900 }), 5_000)).toBe('pass');
    expect(judgeStep(step('upload', 2, { samples: 199, p99: 900 }), 5_000)).toBe('inconclusive');
    expect(judgeStep(step('upload', 2, { samples: 0, p99: 0 }), 5_000)).toBe('inconclusive');
    // A missed target, errors or drops fail whatever the count.
    expect(judgeStep(step('upload', 2, { samples: 12, p99: 6_000 }), 5_000)).toBe('fail');
    expect(judgeStep(step('upload', 2, { samples: 500, errorRate: 0.02 }), 5_000)).toBe('fail');
    expect(judgeStep(step('upload', 2, { samples: 500, dropped: 1 }), 5_000)).toBe('fail');
  });
});

describe('rate verdicts', () => {
  it('sizes feed in requests: visits × the pages each asked for, against the note’s requests/s', () => {
    const sustained = step('feed', 140, { requestsPerVisit: 3, samples: 700 });
    const v = rateVerdict('feed', 200, 20_000, sustained, step('feed', 150, { p99: 1_700 }), {});
    expect(v).toMatchObject({ unit: 'requests/s', sustainablePerSec: 420, stepRatePerSec: 140, samples: 700 });
    // Visits against requests would have said ⌈20,000 ÷ 140⌉ = 143 nodes, three times too many.
    expect(v.nodes).toBe(48);
    expect(v.inconclusive).toBeNull();
    expect(withPeak(v, 300).met).toBe(true);
  });

  it('says inconclusive, with the count, rather than sustainable on too few samples', () => {
    const upload = rateVerdict('upload', 5_000, 46, undefined, step('upload', 0.5, { samples: 3, p99: 800 }), {});
    expect(upload).toMatchObject({ sustainablePerSec: 0, met: false, nodes: null });
    expect(upload.inconclusive).toEqual({ stepRatePerSec: 0.5, samples: 3 });
    const feed = rateVerdict(
      'feed',
      200,
      463,
      step('feed', 5, { requestsPerVisit: 2 }),
      step('feed', 10, { samples: 150 }),
      {},
    );
    const result: CheckResult = {
      target: 'http://127.0.0.1:1',
      stepSeconds: 5,
      minSamples: MIN_SAMPLES,
      steps: [],
      verdicts: [
        {
          id: 'photo-app-1m-dau',
          title: 'Photo sharing app',
          feed,
          upload,
          media: {
            videoShare: 0,
            largeShare: 0,
            notePhotoKB: 200,
            peakVideoUploadsPerSec: 0,
            peakPhotoIngressBytesPerSec: 0,
            peakVideoIngressBytesPerSec: 0,
            hashtagsPerPost: 0,
            peakTagWritesPerSec: null,
          },
        },
      ],
      scalingAssumption: '',
    };
    const text = formatCheck(result);
    expect(text).toContain('upload: inconclusive: 3 samples at 0.5 uploads/s (p99 < 5,000 ms needs 200');
    expect(text).toContain(
      'feed: sustains 10 requests/s (5 visits/s × 2.0 pages) at first-page p99 < 200 ms over 200 samples, the peak needs 463 requests/s: 47 such nodes',
    );
    expect(text).toContain('10 visits/s inconclusive: 150 samples');
  });
});
