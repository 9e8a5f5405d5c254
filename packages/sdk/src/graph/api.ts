import type { TRPCClient } from '@trpc/client';
import type { AppRouter } from '@aperture/server';
import { pageInput, paginate, type PageOptions, type Paginator } from '../paginate.js';
import type { PublicUser } from '../types.js';
import {
  toUserRef,
  type FollowRequest,
  type FollowResult,
  type Profile,
  type Relationship,
  type UserRef,
} from './types.js';

export interface GraphApi {
  /**
   * Follows someone. To a private account this sends a request instead: `state` is `pending`
   * until they approve it. Following again is not an error.
   *
   * @example
   * ```ts
   * const { state } = await client.graph.follow({ username: 'ada' })
   * if (state === 'pending') console.log('Request sent')
   * ```
   */
  follow(user: UserRef): Promise<FollowResult>;
  /**
   * Stops following someone, or withdraws a pending request. Idempotent.
   *
   * @example
   * ```ts
   * await client.graph.unfollow(userId)
   * ```
   */
  unfollow(user: UserRef): Promise<void>;
  /**
   * Who follows a user, newest first. A private account's lists are for its approved followers.
   *
   * @example
   * ```ts
   * for await (const follower of client.graph.followers({ username: 'ada' })) console.log(follower.username)
   * ```
   */
  followers(user: UserRef, options?: PageOptions): Paginator<PublicUser>;
  /**
   * Whom a user follows, newest first.
   *
   * @example
   * ```ts
   * const { items } = await client.graph.following({ username: 'ada' }, { limit: 50 })
   * ```
   */
  following(user: UserRef, options?: PageOptions): Paginator<PublicUser>;
  /**
   * How you stand with someone: your follow (`none`, `pending`, `active`), theirs, block, mute.
   *
   * @example
   * ```ts
   * const { following, followedBy } = await client.graph.relationship({ username: 'ada' })
   * ```
   */
  relationship(user: UserRef): Promise<Relationship>;
  /** Follow requests to you (when your account is private). */
  readonly requests: {
    /**
     * Pending requests to you, newest first.
     *
     * @example
     * ```ts
     * for await (const request of client.graph.requests.list()) console.log(request.user.username)
     * ```
     */
    list(options?: PageOptions): Paginator<FollowRequest>;
    /**
     * Approves someone's request: they now follow you.
     *
     * @example
     * ```ts
     * await client.graph.requests.approve({ username: 'grace' })
     * ```
     */
    approve(user: UserRef): Promise<void>;
    /**
     * Turns someone's request down; they may ask again.
     *
     * @example
     * ```ts
     * await client.graph.requests.reject(request.user.id)
     * ```
     */
    reject(user: UserRef): Promise<void>;
  };
  /**
   * Blocks someone: follows both ways and pending requests go, and each of you disappears for
   * the other everywhere. Idempotent.
   *
   * @example
   * ```ts
   * await client.graph.block({ username: 'spammer' })
   * ```
   */
  block(user: UserRef): Promise<void>;
  /**
   * Lifts a block (follows that it removed do not come back).
   *
   * @example
   * ```ts
   * await client.graph.unblock({ username: 'spammer' })
   * ```
   */
  unblock(user: UserRef): Promise<void>;
  /**
   * Mutes someone: their posts leave your feed; nothing else changes and they are not told.
   *
   * @example
   * ```ts
   * await client.graph.mute({ username: 'loud' })
   * ```
   */
  mute(user: UserRef): Promise<void>;
  /**
   * Unmutes someone.
   *
   * @example
   * ```ts
   * await client.graph.unmute({ username: 'loud' })
   * ```
   */
  unmute(user: UserRef): Promise<void>;
}

export interface UsersApi {
  /**
   * A profile header: the user, their follower/following/post counts and, when signed in, how you
   * stand with them. A user who blocked you, or whom you block, is a `NotFoundError`.
   *
   * @example
   * ```ts
   * const { user, counts, relationship } = await client.users.profile({ username: 'ada' })
   * console.log(`${user.displayName}: ${counts.posts} posts, ${counts.followers} followers`)
   * ```
   */
  profile(user: UserRef): Promise<Profile>;
}

export function createGraphApi(trpc: TRPCClient<AppRouter>): GraphApi {
  const done = async (call: Promise<unknown>): Promise<void> => {
    await call;
  };
  const userList =
    (procedure: typeof trpc.graph.followers) =>
    (user: UserRef, options: PageOptions = {}): Paginator<PublicUser> => {
      const ref = toUserRef(user);
      return paginate((cursor) => procedure.query({ ...ref, ...pageInput(options, cursor) }), options.cursor);
    };
  return {
    follow: (user) => trpc.graph.follow.mutate(toUserRef(user)),
    unfollow: (user) => done(trpc.graph.unfollow.mutate(toUserRef(user))),
    followers: userList(trpc.graph.followers),
    following: userList(trpc.graph.following),
    relationship: (user) => trpc.graph.relationship.query(toUserRef(user)),
    requests: {
      list: (options = {}) =>
        paginate((cursor) => trpc.graph.requests.list.query(pageInput(options, cursor)), options.cursor),
      approve: (user) => done(trpc.graph.requests.approve.mutate(toUserRef(user))),
      reject: (user) => done(trpc.graph.requests.reject.mutate(toUserRef(user))),
    },
    block: (user) => done(trpc.graph.block.mutate(toUserRef(user))),
    unblock: (user) => done(trpc.graph.unblock.mutate(toUserRef(user))),
    mute: (user) => done(trpc.graph.mute.mutate(toUserRef(user))),
    unmute: (user) => done(trpc.graph.unmute.mutate(toUserRef(user))),
  };
}

export function createUsersApi(trpc: TRPCClient<AppRouter>): UsersApi {
  return { profile: (user) => trpc.users.profile.query(toUserRef(user)) };
}
