import type { Kysely } from 'kysely';
import type { DialectCapabilities } from '../../db/capabilities.js';
import type { Database, UserRow } from '../../db/schema.js';
import { AppError } from '../../errors/app-error.js';
import type { UserRef } from './schemas.js';
import type { FollowStatus, Relationship } from './types.js';

export const noSuchUser = () => new AppError('NOT_FOUND', 'No such user.');

/**
 * The user `ref` names. A suspended account is NOT_FOUND exactly like a missing one: its profile,
 * lists and every follow, block or mute aimed at it (moderators read it through `moderation.show`).
 */
export async function resolveUser(db: Kysely<Database>, ref: UserRef): Promise<UserRow> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .$if(ref.userId !== undefined, (qb) => qb.where('id', '=', ref.userId!))
    .$if(ref.userId === undefined, (qb) => qb.where('username_key', '=', ref.username ?? ''))
    .executeTakeFirst();
  if (!row || row.suspended_at !== null) throw noSuchUser();
  return row;
}

/**
 * Locks both users' rows (Postgres; SQLite's single writer already serialises) in id order, so
 * every write touching the pair's follows and blocks runs one at a time: a follow cannot slip in
 * beside a block, and counters follow exactly what each transaction changed. `FOR NO KEY UPDATE`,
 * not `FOR UPDATE`: it serialises these writers just the same but lets foreign-key checks through,
 * so a fan-out that holds a follow row (feed/fanout.ts) and inserts timeline rows pointing at one
 * of these users finishes instead of deadlocking with an unfollow that waits for that row. Returns
 * the `is_private` of whichever of the two still exist.
 */
export async function lockPair(
  trx: Kysely<Database>,
  caps: DialectCapabilities,
  a: string,
  b: string,
): Promise<Map<string, { isPrivate: boolean }>> {
  const rows = await trx
    .selectFrom('users')
    .select(['id', 'is_private'])
    .where('id', 'in', [a, b])
    .orderBy('id')
    .$if(caps.supportsRowLocks, (qb) => qb.forNoKeyUpdate())
    .execute();
  return new Map(rows.map((r) => [r.id, { isPrivate: r.is_private === 1 }]));
}

/** Everything between the viewer and one other user, read in three small queries. */
export interface PairFacts {
  following: FollowStatus;
  followedBy: FollowStatus;
  blocking: boolean;
  blockedBy: boolean;
  muting: boolean;
}

export async function loadPair(db: Kysely<Database>, viewerId: string, otherId: string): Promise<PairFacts> {
  const follows = await db
    .selectFrom('follows')
    .select(['follower_id', 'state'])
    .where((eb) =>
      eb.or([
        eb.and([eb('follower_id', '=', viewerId), eb('followee_id', '=', otherId)]),
        eb.and([eb('follower_id', '=', otherId), eb('followee_id', '=', viewerId)]),
      ]),
    )
    .execute();
  const blocks = await db
    .selectFrom('blocks')
    .select('blocker_id')
    .where((eb) =>
      eb.or([
        eb.and([eb('blocker_id', '=', viewerId), eb('blocked_id', '=', otherId)]),
        eb.and([eb('blocker_id', '=', otherId), eb('blocked_id', '=', viewerId)]),
      ]),
    )
    .execute();
  const mute = await db
    .selectFrom('mutes')
    .select('muter_id')
    .where('muter_id', '=', viewerId)
    .where('muted_id', '=', otherId)
    .executeTakeFirst();
  const self = viewerId === otherId;
  return {
    following: follows.find((f) => f.follower_id === viewerId)?.state ?? 'none',
    followedBy: self ? 'none' : (follows.find((f) => f.follower_id === otherId)?.state ?? 'none'),
    blocking: blocks.some((b) => b.blocker_id === viewerId),
    blockedBy: !self && blocks.some((b) => b.blocker_id === otherId),
    muting: mute !== undefined,
  };
}

/** Counters move only when a follow becomes or stops being active, in that write's transaction. */
export async function adjustFollowCounts(
  trx: Kysely<Database>,
  followerId: string,
  followeeId: string,
  delta: 1 | -1,
): Promise<void> {
  await trx
    .updateTable('users')
    .set((eb) => ({ following_count: eb('following_count', '+', delta) }))
    .where('id', '=', followerId)
    .execute();
  await trx
    .updateTable('users')
    .set((eb) => ({ follower_count: eb('follower_count', '+', delta) }))
    .where('id', '=', followeeId)
    .execute();
}

/** The facts as the viewer may hear them: being blocked is never said (see `Relationship`). */
export function toRelationship(pair: PairFacts): Relationship {
  return { ...pair, blockedBy: false };
}
