import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.js';

/** An edge between two generated users, by their index in the world's user list. */
export interface Edge {
  from: number;
  to: number;
}

/**
 * Writes a generated world's follows, blocks and mutes between `userIds` (indexed as the world's
 * users are), one statement a table: what the property tests over visibility build their worlds from.
 */
export async function insertEdges(
  db: Kysely<Database>,
  userIds: readonly string[],
  edges: { follows: readonly (Edge & { pending: boolean })[]; blocks: readonly Edge[]; mutes?: readonly Edge[] },
  options: { followId: (index: number) => string; now: string },
): Promise<void> {
  const { now } = options;
  const user = (index: number) => userIds[index]!;
  if (edges.follows.length > 0) {
    await db
      .insertInto('follows')
      .values(
        edges.follows.map((f, i) => ({
          id: options.followId(i),
          follower_id: user(f.from),
          followee_id: user(f.to),
          state: f.pending ? ('pending' as const) : ('active' as const),
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
  }
  if (edges.blocks.length > 0) {
    await db
      .insertInto('blocks')
      .values(edges.blocks.map((b) => ({ blocker_id: user(b.from), blocked_id: user(b.to), created_at: now })))
      .execute();
  }
  const mutes = edges.mutes ?? [];
  if (mutes.length > 0) {
    await db
      .insertInto('mutes')
      .values(mutes.map((m) => ({ muter_id: user(m.from), muted_id: user(m.to), created_at: now })))
      .execute();
  }
}
