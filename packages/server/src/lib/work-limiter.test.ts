import { describe, expect, it } from 'vitest';
import { WorkLimiter, WorkQueueFullError } from './work-limiter.js';

/** A task that runs until the test releases it, recording how many ran at once. */
function gatedTasks(limiter: WorkLimiter) {
  const releases: (() => void)[] = [];
  let peak = 0;
  const task = (): Promise<number> =>
    new Promise((resolve) => {
      peak = Math.max(peak, limiter.active);
      releases.push(() => resolve(limiter.active));
    });
  return { task, releases, peak: () => peak };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('WorkLimiter', () => {
  it('never runs more than its concurrency, and runs waiting tasks in arrival order', async () => {
    const limiter = new WorkLimiter({ concurrency: 2, maxQueued: 0 });
    const gated = gatedTasks(limiter);
    const order: number[] = [];
    const all = Array.from({ length: 7 }, (_, index) =>
      limiter.run(async () => {
        order.push(index);
        return gated.task();
      }),
    );
    await tick();
    expect(limiter.active).toBe(2);
    expect(limiter.queued).toBe(5);
    while (limiter.active > 0) {
      gated.releases.shift()?.();
      await tick();
    }
    await Promise.all(all);
    expect(gated.peak()).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(limiter.queued).toBe(0);
  });

  it('tryRun refuses at once when the queue is full, and run still waits', async () => {
    const limiter = new WorkLimiter({ concurrency: 1, maxQueued: 2 });
    const gated = gatedTasks(limiter);
    const first = limiter.tryRun(gated.task);
    const queued = [limiter.tryRun(gated.task), limiter.tryRun(gated.task)];
    await tick();
    expect(limiter.queued).toBe(2);
    await expect(limiter.tryRun(gated.task)).rejects.toBeInstanceOf(WorkQueueFullError);
    // Background work bounded by its own pool is never refused.
    const background = limiter.run(gated.task);
    await tick();
    expect(limiter.queued).toBe(3);
    for (let index = 0; index < 4; index++) {
      gated.releases.shift()?.();
      await tick();
    }
    await Promise.all([first, ...queued, background]);
    expect(gated.peak()).toBe(1);
    expect(limiter.active).toBe(0);
  });

  it('frees the slot when a task fails', async () => {
    const limiter = new WorkLimiter({ concurrency: 1, maxQueued: 1 });
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(
      limiter.run(() => {
        throw new Error('sync boom');
      }),
    ).rejects.toThrow('sync boom');
    expect(limiter.active).toBe(0);
    await expect(limiter.tryRun(() => Promise.resolve('ok'))).resolves.toBe('ok');
  });
});
