import type { Kysely } from 'kysely';
import type { Database, UserRow } from '../../db/schema.js';
import { presentPublicUser, type AvatarUrls } from '../accounts/presenter.js';
import type { PublicUser, Viewer } from '../accounts/types.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage, type Page } from '../shared/pagination.js';
import { loadPair, noSuchUser, resolveUser } from './pair.js';
import type { UserListInput } from './schemas.js';
import type { FollowState } from './types.js';

/** A follow row joined with the user on its other end; `id` is the follow's id (the sort key). */
export interface FollowEdge {
  id: string;
  createdAt: string;
  user: UserRow;
}

export interface EdgeQuery {
  /** Whose list. */
  ownerId: string;
  /** `followers`: who follows the owner; `following`: whom the owner follows. */
  direction: 'followers' | 'following';
  state: FollowState;
  /** Users blocked either way with this viewer are left out. */
  viewerId: string | null;
  /** Follow id the page starts after. */
  after: string | undefined;
  /** Rows to fetch (a page's limit + 1). */
  take: number;
}

/**
 * One page of follow edges, newest first by follow id. The block filter is in SQL (not applied after
 * loading), so pages stay full; it rides the `(followee_id|follower_id, state, id)` indexes.
 */
export async function loadEdges(db: Kysely<Database>, q: EdgeQuery): Promise<FollowEdge[]> {
  const followers = q.direction === 'followers';
  const ownerColumn = followers ? 'follows.followee_id' : 'follows.follower_id';
  const otherColumn = followers ? 'follows.follower_id' : 'follows.followee_id';
  const viewerId = q.viewerId;
  const rows = await db
    .selectFrom('follows')
    .innerJoin('users', 'users.id', otherColumn)
    .selectAll('users')
    .select(['follows.id as follow_id', 'follows.created_at as followed_at'])
    .where(ownerColumn, '=', q.ownerId)
    .where('follows.state', '=', q.state)
    .where('users.suspended_at', 'is', null)
    .$if(q.after !== undefined, (qb) => qb.where('follows.id', '<', q.after!))
    .$if(viewerId !== null, (qb) =>
      qb.where((outer) =>
        outer.not(
          outer.exists(
            outer
              .selectFrom('blocks')
              .select('blocks.blocker_id')
              .where((eb) =>
                eb.or([
                  eb.and([eb('blocks.blocker_id', '=', viewerId!), eb('blocks.blocked_id', '=', eb.ref('users.id'))]),
                  eb.and([eb('blocks.blocked_id', '=', viewerId!), eb('blocks.blocker_id', '=', eb.ref('users.id'))]),
                ]),
              ),
          ),
        ),
      ),
    )
    .orderBy('follows.id', 'desc')
    .limit(q.take)
    .execute();
  return rows.map(({ follow_id, followed_at, ...user }) => ({ id: follow_id, createdAt: followed_at, user }));
}

/**
 * A private account's lists are its own and its active followers' to read; a blocked pair cannot
 * read each other's lists at all. Refusals look like a missing user.
 */
export async function userListPage(
  db: Kysely<Database>,
  avatarUrls: AvatarUrls,
  viewer: Viewer | null,
  input: UserListInput,
  direction: 'followers' | 'following',
): Promise<Page<PublicUser>> {
  const owner = await resolveUser(db, input);
  const viewerId = viewer?.userId ?? null;
  if (viewerId !== owner.id) {
    const pair = viewerId === null ? null : await loadPair(db, viewerId, owner.id);
    if (pair && (pair.blocking || pair.blockedBy)) throw noSuchUser();
    if (owner.is_private === 1 && pair?.following !== 'active') throw noSuchUser();
  }
  const limit = input.limit ?? DEFAULT_PAGE_SIZE;
  const edges = await loadEdges(db, {
    ownerId: owner.id,
    direction,
    state: 'active',
    viewerId,
    after: decodeCursor(input.cursor),
    take: limit + 1,
  });
  return toPage(edges, limit, (rows) => rows.map((e) => presentPublicUser(e.user, avatarUrls)));
}
