import { describe, expect, it } from 'vitest';
import { BoundedSemaphore } from './bounded-semaphore.js';

describe('BoundedSemaphore', () => {
  it('admits `concurrency` holders, queues `maxQueue` in order and refuses the rest', async () => {
    const gate = new BoundedSemaphore(2, 2);
    const first = await gate.acquire();
    const second = await gate.acquire();
    const order: string[] = [];
    const third = gate.acquire().then((release) => (order.push('third'), release));
    const fourth = gate.acquire().then((release) => (order.push('fourth'), release));
    expect(await gate.acquire()).toBeNull();
    expect(gate.load).toEqual({ active: 2, waiting: 2 });

    first!();
    const releaseThird = await third;
    expect(order).toEqual(['third']);
    expect(gate.load).toEqual({ active: 2, waiting: 1 });
    // Releasing twice frees one slot only.
    first!();
    expect(gate.load).toEqual({ active: 2, waiting: 1 });

    second!();
    const releaseFourth = await fourth;
    expect(order).toEqual(['third', 'fourth']);
    releaseThird!();
    releaseFourth!();
    expect(gate.load).toEqual({ active: 0, waiting: 0 });
  });

  it('with no queue, refuses whoever finds every slot taken', async () => {
    const gate = new BoundedSemaphore(1, 0);
    const held = await gate.acquire();
    expect(await gate.acquire()).toBeNull();
    held!();
    expect(await gate.acquire()).not.toBeNull();
  });
});
