import { describe, expect, it } from 'vitest';
import { findSustainableRate } from './search.js';
import { parseCpuSeconds } from './server-cpu.js';

// The search is pure arithmetic over a measurement; a "deployment" whose limit we know exactly
// stands in for real runs here (the engine itself is tested against real servers in test/).
const deployment = (limit: number) => {
  const tried: number[] = [];
  return { tried, measure: async (rate: number) => (tried.push(rate), { rate, ok: rate <= limit }) };
};

describe('findSustainableRate', () => {
  it('doubles to the first failure, then bisects towards the limit', async () => {
    const d = deployment(130);
    const found = await findSustainableRate(d.measure, { start: 10, max: 10_000, min: 1, refinements: 4 });
    expect(d.tried.slice(0, 6)).toEqual([10, 20, 40, 80, 160, 120]);
    expect(found.sustainable).toBeLessThanOrEqual(130);
    expect(found.sustainable).toBeGreaterThan(120);
    expect(found.firstFailing).toBeGreaterThan(130);
  });

  it('halves when the first rate already fails, and says 0 when nothing passes', async () => {
    const slow = deployment(3);
    expect((await findSustainableRate(slow.measure, { start: 10, max: 100, min: 1, refinements: 0 })).sustainable).toBe(
      2.5,
    );
    const dead = deployment(0);
    const none = await findSustainableRate(dead.measure, { start: 10, max: 100, min: 1, refinements: 3 });
    expect(none.sustainable).toBe(0);
    expect(dead.tried).toEqual([10, 5, 2.5, 1.25]);
  });

  it('halves no further once a step is inconclusive: lower rates hold fewer samples still', async () => {
    const tried: number[] = [];
    const found = await findSustainableRate(
      async (rate) => (tried.push(rate), { rate, ok: false, inconclusive: rate < 8 }),
      { start: 16, max: 100, min: 1, refinements: 3 },
    );
    expect(tried).toEqual([16, 8, 4]);
    expect(found).toMatchObject({ sustainable: 0, firstFailing: 4 });
    // Inconclusive from the start: nothing lower is tried.
    const first: number[] = [];
    await findSustainableRate(async (rate) => (first.push(rate), { rate, ok: false, inconclusive: true }), {
      start: 16,
      max: 100,
      min: 1,
      refinements: 3,
    });
    expect(first).toEqual([16]);
  });

  it('stops at the maximum rate without a failure', async () => {
    const fast = deployment(1e9);
    const found = await findSustainableRate(fast.measure, { start: 10, max: 50, min: 1, refinements: 3 });
    expect(found).toMatchObject({ sustainable: 50, firstFailing: null });
  });
});

describe('parseCpuSeconds', () => {
  it('reads process_cpu_seconds_total from Prometheus text, labels or not', () => {
    const text = '# HELP x\nprocess_cpu_user_seconds_total 1\nprocess_cpu_seconds_total{service="aperture"} 12.5\n';
    expect(parseCpuSeconds(text)).toBe(12.5);
    expect(parseCpuSeconds('nothing here')).toBeNull();
  });
});
