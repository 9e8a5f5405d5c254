import { describe, expect, it } from 'vitest';
import { CURVE_PERCENTILES } from './histogram.js';
import { createHistogram, decodeHistogram, encodeHistogram, mergeEncoded, recordMs } from './histogram.js';
import { mergeShards } from './merge.js';
import { Recorder } from './recorder.js';

/** Latencies with a long tail, as a real run has: mostly a few ms, some seconds. */
function samples(count: number, seed: number): number[] {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  return Array.from({ length: count }, () => (next() < 0.02 ? 500 + next() * 20_000 : 0.2 + next() * 30));
}

const PERCENTILES = [...CURVE_PERCENTILES, 1, 10, 33.3, 66.6, 97, 99.99, 99.999];

describe('histogram merge across workers', () => {
  it('equals one histogram of all samples at every percentile', () => {
    const all = samples(20_000, 7);
    const single = createHistogram();
    for (const value of all) recordMs(single, value);
    // Four "workers", each with an unequal slice, sent through the encoded form as threads do.
    const cuts = [0, 1_000, 9_000, 9_001, all.length];
    const encoded = cuts.slice(1).map((end, i) => {
      const part = createHistogram();
      for (const value of all.slice(cuts[i], end)) recordMs(part, value);
      return encodeHistogram(part);
    });

    const merged = mergeEncoded(encoded);

    // The encoded form keeps each bucket's count, not the raw extremes: compare with the single
    // histogram as it arrives from a thread too, and with the true extremes to the 3-digit precision.
    const reference = decodeHistogram(encodeHistogram(single));
    expect(merged.maxValue).toBe(reference.maxValue);
    expect(merged.maxValue / single.maxValue).toBeCloseTo(1, 2);
    expect(merged.totalCount).toBe(single.totalCount);
    expect(merged.totalCount).toBe(all.length);
    expect(merged.minNonZeroValue).toBe(single.minNonZeroValue);
    expect(merged.mean).toBe(reference.mean);
    for (const p of PERCENTILES) expect(merged.getValueAtPercentile(p), `p${p}`).toBe(single.getValueAtPercentile(p));
  });

  it('keeps multi-second values instead of clipping them', () => {
    const h = createHistogram();
    recordMs(h, 45_000);
    const back = decodeHistogram(encodeHistogram(h));
    expect(back.maxValue / 1000).toBeGreaterThan(44_900);
  });

  it('merges shard results into the same summary as one recorder of everything', () => {
    const startAt = 1_000_000;
    const all = samples(3_000, 11);
    const one = new Recorder();
    const shards = [new Recorder(), new Recorder(), new Recorder()];
    for (const r of [one, ...shards]) {
      r.primary = 'feed';
      r.startAt = startAt;
    }
    all.forEach((value, i) => {
      const at = startAt + i; // spread over 3 seconds
      for (const r of [one, shards[i % 3]!]) {
        r.latency('feed', value, at);
        r.succeeded(at);
      }
    });
    const run = {
      scenario: 'feed' as const,
      target: 'http://x',
      model: { kind: 'open' as const, stages: [{ rate: 1000, seconds: 3 }] },
      startAt,
      primary: 'feed',
      cpuSeconds: 0,
    };

    const merged = mergeShards(
      shards.map((s) => s.result()),
      run,
    );
    const reference = mergeShards([one.result()], run);

    const { histogram: _a, ...mergedFeed } = merged.metrics['feed']!;
    const { histogram: _b, ...referenceFeed } = reference.metrics['feed']!;
    expect(mergedFeed).toEqual(referenceFeed);
    expect(merged.series).toEqual(reference.series);
    expect(merged.counts.completed).toBe(3_000);
    expect(merged.series.map((s) => s.completed)).toEqual([1000, 1000, 1000]);
  });
});
