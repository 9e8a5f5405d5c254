import { sql } from 'kysely';
import type { Expression, Kysely, SqlBool } from 'kysely';
import { preparedQuery, type ParamRefs } from '../../db/prepared-query.js';
import type { Database, PostRow } from '../../db/schema.js';
import { loadUsers, PUBLIC_USER_COLUMNS, type PublicUserRow } from '../accounts/load-users.js';
import { mayViewPost, type PostFacts, type RelationFacts } from './post-policy.js';

type PostLike = Pick<PostRow, 'id' | 'author_id' | 'visibility' | 'deleted_at' | 'hidden_at' | 'held_at'>;

/**
 * The users' rows with the viewer's relations to each, in one statement: whether the viewer blocks
 * them, is blocked by them, mutes them, and (where asked: every user with `allFollows`, else the
 * private ones and those in `followIds`) follows them actively. One indexed probe per user and kind,
 * and no second statement: on Postgres the relations alone, as a union over the id list, cost
 * more than the rest of the check.
 */
const usersWithRelations = preparedQuery(
  (db, p: ParamRefs<{ viewerId: string; userIds: string[]; followIds: string[]; allFollows: number }>) => {
    const viewer = p.id('viewerId');
    const flag = (condition: Expression<SqlBool>) => sql<number>`case when ${condition} then 1 else 0 end`;
    const followsAsked = sql<SqlBool>`(${p.value('allFollows')} = 1 or users.is_private <> 0 or ${p.idIn('users.id', 'followIds')})`;
    return db
      .selectFrom('users')
      .select(PUBLIC_USER_COLUMNS)
      .select((eb) => [
        flag(
          eb.exists(
            eb
              .selectFrom('blocks')
              .select(sql.lit(1).as('one'))
              .where('blocks.blocker_id', '=', viewer)
              .whereRef('blocks.blocked_id', '=', 'users.id'),
          ),
        ).as('viewer_blocks'),
        flag(
          eb.exists(
            eb
              .selectFrom('blocks')
              .select(sql.lit(1).as('one'))
              .whereRef('blocks.blocker_id', '=', 'users.id')
              .where('blocks.blocked_id', '=', viewer),
          ),
        ).as('blocks_viewer'),
        flag(
          eb.exists(
            eb
              .selectFrom('mutes')
              .select(sql.lit(1).as('one'))
              .where('mutes.muter_id', '=', viewer)
              .whereRef('mutes.muted_id', '=', 'users.id'),
          ),
        ).as('viewer_mutes'),
        flag(
          eb.and([
            followsAsked,
            eb.exists(
              eb
                .selectFrom('follows')
                .select(sql.lit(1).as('one'))
                .where('follows.follower_id', '=', viewer)
                .whereRef('follows.followee_id', '=', 'users.id')
                .where('follows.state', '=', sql.lit('active')),
            ),
          ]),
        ).as('viewer_follows'),
      ])
      .where(p.idIn('users.id', 'userIds'));
  },
);

/**
 * Loads, in one query whatever the number of posts, the facts `mayViewPost` needs for one viewer
 * and many posts (the authors' rows for their privacy; the viewer's active follows and blocks
 * either way among them), then answers per post. Lists filter with it after loading a page; single
 * reads use it the same way. It keeps the author rows: hydration presents the authors from them
 * instead of loading them again. The viewer's mutes among the authors come with the relations, for
 * the lists that drop muted accounts.
 *
 * `forPosts` loads the follows only where the policy asks for them (followers-only posts, private
 * authors): on a page of public posts by public accounts that is none, and a follow probe per author
 * was the largest part of the check.
 */
export class PostAccess {
  private constructor(
    private readonly viewerId: string | null,
    private readonly authors: ReadonlyMap<string, PublicUserRow>,
    private readonly followed: Set<string>,
    private readonly blocked: Set<string>,
    private readonly muted: Set<string>,
    /** Whose follows were loaded: every author's, or only these. */
    private readonly followsKnown: 'all' | ReadonlySet<string>,
  ) {}

  /** Everything about these users, follows included (for any question `relation` may be asked). */
  static async load(db: Kysely<Database>, viewerId: string | null, authorIds: Iterable<string>): Promise<PostAccess> {
    return PostAccess.loadFor(db, viewerId, [...new Set(authorIds)], [], 'all');
  }

  /** Enough to answer `canView` for these posts: follows only of authors whose posts need them. */
  static async forPosts(db: Kysely<Database>, viewerId: string | null, posts: PostLike[]): Promise<PostAccess> {
    const authors = [...new Set(posts.map((p) => p.author_id))];
    // Followers-only posts need their authors' follows; so do private authors, which the query
    // knows from their rows.
    const followersOnly = [...new Set(posts.filter((p) => p.visibility !== 'public').map((p) => p.author_id))];
    return PostAccess.loadFor(db, viewerId, authors, followersOnly, 'asked');
  }

  private static async loadFor(
    db: Kysely<Database>,
    viewerId: string | null,
    authors: string[],
    followIds: string[],
    follows: 'all' | 'asked',
  ): Promise<PostAccess> {
    if (viewerId === null || authors.length === 0) {
      return new PostAccess(viewerId, await loadUsers(db, authors), new Set(), new Set(), new Set(), 'all');
    }
    const rows = await usersWithRelations.execute(db, {
      viewerId,
      userIds: authors,
      followIds,
      allFollows: follows === 'all' ? 1 : 0,
    });
    const authorRows = new Map<string, PublicUserRow>();
    const followed = new Set<string>();
    const blocked = new Set<string>();
    const muted = new Set<string>();
    for (const { viewer_blocks, blocks_viewer, viewer_mutes, viewer_follows, ...row } of rows) {
      authorRows.set(row.id, row);
      if (viewer_follows === 1) followed.add(row.id);
      if (viewer_blocks === 1 || blocks_viewer === 1) blocked.add(row.id);
      if (viewer_mutes === 1) muted.add(row.id);
    }
    // Whose follows were asked: an author that no longer exists has none either way.
    const followsKnown =
      follows === 'all'
        ? 'all'
        : new Set([...followIds, ...[...authorRows.values()].filter((r) => r.is_private !== 0).map((r) => r.id)]);
    return new PostAccess(viewerId, authorRows, followed, blocked, muted, followsKnown);
  }

  facts(post: PostLike): PostFacts {
    return {
      authorId: post.author_id,
      visibility: post.visibility,
      deleted: post.deleted_at !== null,
      hidden: post.hidden_at !== null,
      held: post.held_at !== null,
      authorIsPrivate: this.authors.get(post.author_id)?.is_private === 1,
      authorSuspended: (this.authors.get(post.author_id)?.suspended_at ?? null) !== null,
    };
  }

  relation(authorId: string): RelationFacts {
    if (this.followsKnown !== 'all' && !this.followsKnown.has(authorId)) {
      // A programming error, never a guess: "does not follow" could hide or show the wrong posts.
      throw new Error(`PostAccess: follows of ${authorId} were not loaded (use PostAccess.load)`);
    }
    return { followsAuthor: this.followed.has(authorId), blocked: this.blocked.has(authorId) };
  }

  /** The row of a user this was loaded for (the authors, or any user the caller named). */
  author(userId: string): PublicUserRow | undefined {
    return this.authors.get(userId);
  }

  /** Has the viewer muted this user (one of those the access was loaded for)? */
  isMuted(userId: string): boolean {
    return this.muted.has(userId);
  }

  /** Is the viewer blocked by, or blocking, this user? */
  isBlocked(userId: string): boolean {
    return this.blocked.has(userId);
  }

  canView(post: PostLike): boolean {
    const facts = this.facts(post);
    // The policy reads `followsAuthor` only for followers-only posts and private authors, the
    // posts `forPosts` loaded the follows for; for the rest only blocks matter.
    const needsFollows = facts.visibility !== 'public' || facts.authorIsPrivate;
    const relation = needsFollows
      ? this.relation(post.author_id)
      : { followsAuthor: false, blocked: this.blocked.has(post.author_id) };
    return mayViewPost(this.viewerId, facts, relation);
  }
}
