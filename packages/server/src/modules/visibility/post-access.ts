import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { preparedQuery, type ParamRefs } from '../../db/prepared-query.js';
import type { Database, PostRow } from '../../db/schema.js';
import { loadUsers, type PublicUserRow } from '../accounts/load-users.js';
import { mayViewPost, type PostFacts, type RelationFacts } from './post-policy.js';

type PostLike = Pick<PostRow, 'id' | 'author_id' | 'visibility' | 'deleted_at' | 'hidden_at' | 'held_at'>;

/**
 * The viewer's relations to some users, in one statement: which of `followIds` the viewer follows
 * (actively), and which of `userIds` the viewer blocks, is blocked by, or mutes. One indexed probe
 * per user and kind.
 */
const relationsQuery = preparedQuery(
  (db, p: ParamRefs<{ viewerId: string; userIds: string[]; followIds: string[] }>) => {
    const viewer = p.id('viewerId');
    return db
      .selectFrom(p.idTable('followIds', 'u'))
      .innerJoin('follows', (join) =>
        join.onRef('follows.followee_id', '=', 'u.value').on('follows.follower_id', '=', viewer),
      )
      .select([sql<string>`'follows'`.as('kind'), 'follows.followee_id as user_id'])
      .where('follows.state', '=', 'active')
      .unionAll(
        db
          .selectFrom(p.idTable('userIds', 'u'))
          .innerJoin('blocks', (join) =>
            join.onRef('blocks.blocked_id', '=', 'u.value').on('blocks.blocker_id', '=', viewer),
          )
          .select([sql<string>`'blocks'`.as('kind'), 'blocks.blocked_id as user_id']),
      )
      .unionAll(
        db
          .selectFrom(p.idTable('userIds', 'u'))
          .innerJoin('blocks', (join) =>
            join.onRef('blocks.blocker_id', '=', 'u.value').on('blocks.blocked_id', '=', viewer),
          )
          .select([sql<string>`'blocked_by'`.as('kind'), 'blocks.blocker_id as user_id']),
      )
      .unionAll(
        db
          .selectFrom(p.idTable('userIds', 'u'))
          .innerJoin('mutes', (join) => join.onRef('mutes.muted_id', '=', 'u.value').on('mutes.muter_id', '=', viewer))
          .select([sql<string>`'mutes'`.as('kind'), 'mutes.muted_id as user_id']),
      );
  },
);

/**
 * Loads, in two queries whatever the number of posts, the facts `mayViewPost` needs for one viewer
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
    const authors = [...new Set(authorIds)];
    return PostAccess.loadFor(db, viewerId, authors, await loadUsers(db, authors), 'all');
  }

  /** Enough to answer `canView` for these posts: follows only of authors whose posts need them. */
  static async forPosts(db: Kysely<Database>, viewerId: string | null, posts: PostLike[]): Promise<PostAccess> {
    const authors = [...new Set(posts.map((p) => p.author_id))];
    const rows = await loadUsers(db, authors);
    const needFollows = new Set(
      posts.filter((p) => p.visibility !== 'public' || rows.get(p.author_id)?.is_private !== 0).map((p) => p.author_id),
    );
    return PostAccess.loadFor(db, viewerId, authors, rows, needFollows);
  }

  private static async loadFor(
    db: Kysely<Database>,
    viewerId: string | null,
    authors: string[],
    authorRows: Map<string, PublicUserRow>,
    followsKnown: 'all' | ReadonlySet<string>,
  ): Promise<PostAccess> {
    const followed = new Set<string>();
    const blocked = new Set<string>();
    const muted = new Set<string>();
    if (viewerId !== null && authors.length > 0) {
      const followIds = followsKnown === 'all' ? authors : [...followsKnown];
      for (const { kind, user_id } of await relationsQuery.execute(db, { viewerId, userIds: authors, followIds })) {
        if (kind === 'follows') followed.add(user_id);
        else if (kind === 'mutes') muted.add(user_id);
        else blocked.add(user_id);
      }
    }
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
