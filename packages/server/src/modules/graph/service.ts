import type { Db } from '../../db/connect.js';
import type { Reads } from '../../db/reads.js';
import type { UserRow } from '../../db/schema.js';
import type { Clock } from '../../clock.js';
import { AppError } from '../../errors/app-error.js';
import type { Outbox } from '../../events/outbox.js';
import type { IdGenerator } from '../../ids/snowflake.js';
import { presentPublicUser, type AvatarUrls } from '../accounts/presenter.js';
import type { PublicUser, Viewer } from '../accounts/types.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage, type Page } from '../shared/pagination.js';
import { loadEdges, userListPage } from './lists.js';
import { adjustFollowCounts, loadPair, lockPair, noSuchUser, resolveUser, toRelationship } from './pair.js';
import type { RequestsListInput, UserListInput, UserRef } from './schemas.js';
import type { FollowRequest, FollowState, Relationship } from './types.js';

export interface GraphServiceDeps {
  db: Db;
  /** Where follower and following lists are read: the replica when it fits the viewer, else the primary. */
  reads: Reads;
  ids: IdGenerator;
  clock: Clock;
  avatarUrls: AvatarUrls;
  /** Follows, blocks and mutes are written through it, with the events others react to. */
  outbox: Outbox;
}

const ok = { ok: true } as const;

/**
 * Follows, follow requests, blocks and mutes (a user's profile header, which shows the
 * relationship, is the profiles module's). Every write that touches a pair's follows or blocks
 * locks the pair first (`lockPair`), so the outcome and the follower counters depend only on what
 * that transaction saw and changed.
 */
export class GraphService {
  constructor(private readonly deps: GraphServiceDeps) {}

  /** Follow someone: active at once, or a pending request to a private account. Idempotent. */
  async follow(viewer: Viewer, ref: UserRef): Promise<{ state: FollowState }> {
    const target = await this.other(viewer, ref, 'You cannot follow yourself.');
    const { db, ids, clock, outbox } = this.deps;
    const state = await outbox.write(async (trx, emit) => {
      const users = await lockPair(trx, db.caps, viewer.userId, target.id);
      const followee = users.get(target.id);
      if (!followee) throw noSuchUser();
      const pair = await loadPair(trx, viewer.userId, target.id);
      if (pair.blocking || pair.blockedBy) throw noSuchUser();
      if (pair.following === 'active') return 'active' as const;
      if (followee.isPrivate && pair.following === 'pending') return 'pending' as const;
      const now = clock.now().toISOString();
      if (pair.following === 'pending') {
        // A request left over from when the account was private: following a public account
        // again is an ordinary follow (unfollow + follow would give the same).
        await trx
          .updateTable('follows')
          .set({ state: 'active', updated_at: now })
          .where('follower_id', '=', viewer.userId)
          .where('followee_id', '=', target.id)
          .execute();
        await adjustFollowCounts(trx, viewer.userId, target.id, 1);
        await emit({
          type: 'follow.created',
          followerId: viewer.userId,
          followeeId: target.id,
          state: 'active',
        });
        return 'active' as const;
      }
      const fresh: FollowState = followee.isPrivate ? 'pending' : 'active';
      await trx
        .insertInto('follows')
        .values({
          id: ids.next(),
          follower_id: viewer.userId,
          followee_id: target.id,
          state: fresh,
          created_at: now,
          updated_at: now,
        })
        .execute();
      if (fresh === 'active') await adjustFollowCounts(trx, viewer.userId, target.id, 1);
      await emit({
        type: 'follow.created',
        followerId: viewer.userId,
        followeeId: target.id,
        state: fresh,
      });
      return fresh;
    });
    return { state };
  }

  /** Stop following, or withdraw a pending request. Idempotent. */
  async unfollow(viewer: Viewer, ref: UserRef): Promise<{ ok: true }> {
    const target = await this.other(viewer, ref, 'You cannot unfollow yourself.');
    await this.removeFollow(viewer.userId, target.id, ['active', 'pending']);
    return ok;
  }

  /** Approve a pending request to the viewer. Approving an active follow again is a no-op. */
  async approve(viewer: Viewer, ref: UserRef): Promise<{ ok: true }> {
    const requester = await this.other(viewer, ref, 'You cannot follow yourself.');
    const { db, clock, outbox } = this.deps;
    await outbox.write(async (trx, emit) => {
      await lockPair(trx, db.caps, viewer.userId, requester.id);
      const row = await trx
        .selectFrom('follows')
        .select('state')
        .where('follower_id', '=', requester.id)
        .where('followee_id', '=', viewer.userId)
        .executeTakeFirst();
      if (!row) throw new AppError('NOT_FOUND', 'No such follow request.');
      if (row.state === 'active') return;
      await trx
        .updateTable('follows')
        .set({ state: 'active', updated_at: clock.now().toISOString() })
        .where('follower_id', '=', requester.id)
        .where('followee_id', '=', viewer.userId)
        .execute();
      await adjustFollowCounts(trx, requester.id, viewer.userId, 1);
      await emit({
        type: 'follow.approved',
        followerId: requester.id,
        followeeId: viewer.userId,
      });
    });
    return ok;
  }

  /** Reject a pending request to the viewer; an active follow is left alone. Idempotent. */
  async reject(viewer: Viewer, ref: UserRef): Promise<{ ok: true }> {
    const requester = await this.other(viewer, ref, 'You cannot follow yourself.');
    await this.removeFollow(requester.id, viewer.userId, ['pending']);
    return ok;
  }

  /**
   * Block someone: follows and pending requests between the two go, both ways (counters too), and
   * each disappears from the other's view. Unblocking restores nothing. Idempotent.
   */
  async block(viewer: Viewer, ref: UserRef): Promise<{ ok: true }> {
    const target = await this.other(viewer, ref, 'You cannot block yourself.');
    const { db, clock, outbox } = this.deps;
    await outbox.write(async (trx, emit) => {
      const users = await lockPair(trx, db.caps, viewer.userId, target.id);
      if (!users.has(target.id)) throw noSuchUser();
      const removed = await trx
        .deleteFrom('follows')
        .where((eb) =>
          eb.or([
            eb.and([eb('follower_id', '=', viewer.userId), eb('followee_id', '=', target.id)]),
            eb.and([eb('follower_id', '=', target.id), eb('followee_id', '=', viewer.userId)]),
          ]),
        )
        .returning(['follower_id', 'followee_id', 'state'])
        .execute();
      for (const follow of removed) {
        if (follow.state === 'active') await adjustFollowCounts(trx, follow.follower_id, follow.followee_id, -1);
        await emit({
          type: 'follow.removed',
          followerId: follow.follower_id,
          followeeId: follow.followee_id,
        });
      }
      const blocked = await trx
        .insertInto('blocks')
        .values({ blocker_id: viewer.userId, blocked_id: target.id, created_at: clock.now().toISOString() })
        .onConflict((oc) => oc.columns(['blocker_id', 'blocked_id']).doNothing())
        .returning('blocker_id')
        .executeTakeFirst();
      if (blocked) {
        await emit({ type: 'block.created', blockerId: viewer.userId, blockedId: target.id });
      }
    });
    return ok;
  }

  async unblock(viewer: Viewer, ref: UserRef): Promise<{ ok: true }> {
    const target = await this.other(viewer, ref, 'You cannot unblock yourself.');
    await this.deps.db.kysely
      .deleteFrom('blocks')
      .where('blocker_id', '=', viewer.userId)
      .where('blocked_id', '=', target.id)
      .execute();
    return ok;
  }

  /** Their posts leave the viewer's feed; nothing else changes. Idempotent. */
  async mute(viewer: Viewer, ref: UserRef): Promise<{ ok: true }> {
    const target = await this.other(viewer, ref, 'You cannot mute yourself.');
    const { clock, outbox } = this.deps;
    await outbox.write(async (trx, emit) => {
      const muted = await trx
        .insertInto('mutes')
        .values({ muter_id: viewer.userId, muted_id: target.id, created_at: clock.now().toISOString() })
        .onConflict((oc) => oc.columns(['muter_id', 'muted_id']).doNothing())
        .returning('muter_id')
        .executeTakeFirst();
      if (muted) await emit({ type: 'mute.created', muterId: viewer.userId, mutedId: target.id });
    });
    return ok;
  }

  async unmute(viewer: Viewer, ref: UserRef): Promise<{ ok: true }> {
    const target = await this.other(viewer, ref, 'You cannot unmute yourself.');
    await this.deps.outbox.write(async (trx, emit) => {
      const unmuted = await trx
        .deleteFrom('mutes')
        .where('muter_id', '=', viewer.userId)
        .where('muted_id', '=', target.id)
        .returning('muter_id')
        .executeTakeFirst();
      if (unmuted) {
        await emit({ type: 'mute.removed', muterId: viewer.userId, mutedId: target.id });
      }
    });
    return ok;
  }

  /** How the viewer stands with someone. Someone who blocked the viewer is not found. */
  async relationship(viewer: Viewer, ref: UserRef): Promise<Relationship> {
    const target = await resolveUser(this.deps.db.kysely, ref);
    const pair = await loadPair(this.deps.db.kysely, viewer.userId, target.id);
    if (pair.blockedBy && !pair.blocking) throw noSuchUser();
    return toRelationship(pair);
  }

  /** Who follows the user (active follows), newest first. */
  followers(viewer: Viewer | null, input: UserListInput): Promise<Page<PublicUser>> {
    return this.deps.reads.run(viewer, (db) => userListPage(db, this.deps.avatarUrls, viewer, input, 'followers'));
  }

  /** Whom the user follows (active follows), newest first. */
  following(viewer: Viewer | null, input: UserListInput): Promise<Page<PublicUser>> {
    return this.deps.reads.run(viewer, (db) => userListPage(db, this.deps.avatarUrls, viewer, input, 'following'));
  }

  /** Pending requests to the viewer, newest first. */
  async requests(viewer: Viewer, input: RequestsListInput): Promise<Page<FollowRequest>> {
    const limit = input.limit ?? DEFAULT_PAGE_SIZE;
    const edges = await loadEdges(this.deps.db.kysely, {
      ownerId: viewer.userId,
      direction: 'followers',
      state: 'pending',
      viewerId: viewer.userId,
      after: decodeCursor(input.cursor),
      take: limit + 1,
    });
    return toPage(edges, limit, (rows) =>
      rows.map((e) => ({ id: e.id, user: presentPublicUser(e.user, this.deps.avatarUrls), createdAt: e.createdAt })),
    );
  }

  /** The user named by `ref`, who must not be the viewer. */
  private async other(viewer: Viewer, ref: UserRef, selfMessage: string): Promise<UserRow> {
    const user = await resolveUser(this.deps.db.kysely, ref);
    if (user.id === viewer.userId) throw new AppError('VALIDATION_FAILED', selfMessage);
    return user;
  }

  /** Deletes the follow `followerId → followeeId` if its state is one of `states`; counters follow. */
  private async removeFollow(followerId: string, followeeId: string, states: FollowState[]): Promise<void> {
    const { db, outbox } = this.deps;
    await outbox.write(async (trx, emit) => {
      await lockPair(trx, db.caps, followerId, followeeId);
      const removed = await trx
        .deleteFrom('follows')
        .where('follower_id', '=', followerId)
        .where('followee_id', '=', followeeId)
        .where('state', 'in', states)
        .returning('state')
        .execute();
      if (removed.some((r) => r.state === 'active')) await adjustFollowCounts(trx, followerId, followeeId, -1);
      if (removed.length > 0) await emit({ type: 'follow.removed', followerId, followeeId });
    });
  }
}
