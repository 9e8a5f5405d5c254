import { describe, expect, it } from 'vitest';
import { compareIds, createIdGenerator, decodeId, ID_EPOCH_MS, MAX_NODE_ID } from './snowflake.js';

describe('snowflake ids', () => {
  it('are strictly increasing and unique under a tight loop', () => {
    const ids = createIdGenerator({ nodeId: 7 });
    const seen = new Set<string>();
    let previous = BigInt(ids.next());
    let outOfOrder = 0;
    for (let i = 0; i < 200_000; i++) {
      const id = ids.next();
      if (BigInt(id) <= previous) outOfOrder++;
      seen.add(id);
      previous = BigInt(id);
    }
    expect(outOfOrder).toBe(0);
    expect(seen.size).toBe(200_000);
  });

  it('sort by creation time across milliseconds', () => {
    let now = ID_EPOCH_MS + 1_000;
    const ids = createIdGenerator({ nodeId: 1, clock: () => now });
    const a = ids.next();
    now += 5;
    const b = ids.next();
    expect(compareIds(a, b)).toBe(-1);
    expect(decodeId(a).timestamp.getTime()).toBe(ID_EPOCH_MS + 1_000);
    expect(decodeId(b).timestamp.getTime()).toBe(ID_EPOCH_MS + 1_005);
  });

  it('stay monotonic when the clock goes backwards', () => {
    let now = ID_EPOCH_MS + 10_000;
    const ids = createIdGenerator({ nodeId: 3, clock: () => now });
    const before = ids.next();
    now -= 2_000;
    const after = [ids.next(), ids.next()];
    expect(compareIds(after[0]!, before)).toBe(1);
    expect(compareIds(after[1]!, after[0]!)).toBe(1);
    expect(decodeId(after[0]!).timestamp.getTime()).toBe(ID_EPOCH_MS + 10_000);
  });

  it('borrow the next millisecond after 1,024 ids in one millisecond', () => {
    const now = ID_EPOCH_MS + 50;
    const ids = createIdGenerator({ nodeId: 2, clock: () => now });
    const batch = Array.from({ length: 1_025 }, () => ids.next());
    expect(decodeId(batch[1_023]!).sequence).toBe(1_023);
    expect(decodeId(batch[1_024]!)).toMatchObject({ sequence: 0, nodeId: 2 });
    expect(decodeId(batch[1_024]!).timestamp.getTime()).toBe(now + 1);
  });

  it('encode the node id and exceed 2^53 (so they must travel as strings)', () => {
    const ids = createIdGenerator({ nodeId: MAX_NODE_ID, clock: () => Date.UTC(2026, 10, 23) });
    const id = ids.next();
    expect(decodeId(id).nodeId).toBe(MAX_NODE_ID);
    expect(BigInt(id) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
  });

  it('reject node ids out of range', () => {
    expect(() => createIdGenerator({ nodeId: MAX_NODE_ID + 1 })).toThrow(RangeError);
    expect(() => createIdGenerator({ nodeId: -1 })).toThrow(RangeError);
  });
});
