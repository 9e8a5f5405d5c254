/**
 * 64-bit, time-sortable ids in Instagram's layout:
 *   41 bits  milliseconds since ID_EPOCH   (good until ~2093)
 *   13 bits  node id (0..8191)             (one per process sharing a database)
 *   10 bits  sequence within a millisecond (1,024 ids/ms/node)
 * Carried as decimal strings everywhere outside the database (JSON numbers lose precision past 2^53).
 */
export const ID_EPOCH_MS = Date.UTC(2024, 0, 1);
export const NODE_BITS = 13n;
export const SEQUENCE_BITS = 10n;
export const MAX_NODE_ID = (1 << Number(NODE_BITS)) - 1;
const MAX_SEQUENCE = (1n << SEQUENCE_BITS) - 1n;
const MAX_TIMESTAMP = (1n << 41n) - 1n;

export interface IdGenerator {
  /** A new id, strictly greater than every id this generator returned before. */
  next(): string;
}

export interface IdGeneratorOptions {
  nodeId: number;
  /** Milliseconds since the Unix epoch; injectable so tests can move time backwards. */
  clock?: () => number;
  /**
   * Asked before every id; throws when `nodeId` may no longer be this generator's to use (the
   * server's node lease lapsed), so no id is minted that another process could mint too.
   */
  guard?: () => void;
}

export function createIdGenerator({ nodeId, clock = Date.now, guard }: IdGeneratorOptions): IdGenerator {
  if (!Number.isInteger(nodeId) || nodeId < 0 || nodeId > MAX_NODE_ID) {
    throw new RangeError(`nodeId must be an integer in 0..${MAX_NODE_ID}, got ${nodeId}`);
  }
  const node = BigInt(nodeId);
  let lastMs = -1n;
  let sequence = 0n;

  return {
    next(): string {
      guard?.();
      let ms = BigInt(Math.floor(clock() - ID_EPOCH_MS));
      if (ms < 0n) throw new RangeError('clock is before the id epoch');
      // A clock that steps backwards (NTP) must not produce an id that sorts before an earlier one:
      // keep issuing from the last millisecond we used instead of waiting for the clock to catch up.
      if (ms <= lastMs) {
        ms = lastMs;
        sequence += 1n;
        if (sequence > MAX_SEQUENCE) {
          // 1,024 ids in one millisecond: borrow the next millisecond rather than spin.
          ms = lastMs + 1n;
          sequence = 0n;
        }
      } else {
        sequence = 0n;
      }
      if (ms > MAX_TIMESTAMP) throw new RangeError('id timestamp overflow');
      lastMs = ms;
      return ((ms << (NODE_BITS + SEQUENCE_BITS)) | (node << SEQUENCE_BITS) | sequence).toString();
    },
  };
}

/** The parts of an id, for debugging and tests. */
export function decodeId(id: string): { timestamp: Date; nodeId: number; sequence: number } {
  const value = BigInt(id);
  return {
    timestamp: new Date(Number(value >> (NODE_BITS + SEQUENCE_BITS)) + ID_EPOCH_MS),
    nodeId: Number((value >> SEQUENCE_BITS) & BigInt(MAX_NODE_ID)),
    sequence: Number(value & MAX_SEQUENCE),
  };
}

/** Compare two decimal id strings numerically (string comparison fails across digit counts). */
export function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
