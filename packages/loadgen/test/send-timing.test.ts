import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../src/engine/run-load.js';
import { startSlowServer, type SlowServer } from './support/slow-server.js';

// Node's timers fire to the millisecond, up to ~1 ms either side of what was asked. A request sent
// before it was due is timed from a moment before it left, and its latency under-reported: the
// engine sleeps on a timer until ~2 ms before, then waits the rest out on the clock. It records the
// instant each request was handed over beside the instant it was due; this reads those records.
let server: SlowServer;

beforeAll(async () => {
  server = await startSlowServer(0);
});
afterAll(async () => {
  await server?.close();
});

describe('send timing of the open model', () => {
  it('sends no request more than 50 µs before it is due, over thousands of sends', async () => {
    const result = await runLoad({
      scenario: 'get',
      options: { target: server.url, path: '/' },
      model: {
        kind: 'open',
        // Gaps from 2 ms (inside the timer margin: waited out on the clock alone) to 33 ms (a timer first).
        stages: [
          { rate: 500, seconds: 4 },
          { rate: 30, seconds: 2 },
        ],
      },
      workers: 2,
    });

    expect(result.errors).toEqual({});
    expect(result.sends.count).toBe(2_060);
    expect(result.counts.completed).toBe(2_060);
    expect(result.sends.earliestMs).toBeGreaterThanOrEqual(-0.05);
    // How late they left is measured too (on a busy shared machine it can be anything, so no bound).
    expect(result.sends.lagMaxMs).toBeGreaterThanOrEqual(result.sends.lagP50Ms);
    // The wait on the clock is measured, so `check` can tell it from the generator being busy.
    expect(result.loadgenSpinSeconds).toBeGreaterThan(0);
  });
});
