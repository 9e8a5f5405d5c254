import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { preparedQuery, type ParamRefs } from '../../db/prepared-query.js';
import type { Database, PostRow, UserRow } from '../../db/schema.js';
import { loadUsers } from '../accounts/load-users.js';
import { mayViewPost, type PostFacts, type RelationFacts } from './post-policy.js';

type PostLike = Pick<PostRow, 'id' | 'author_id' | 'visibility' | 'deleted_at' | 'hidden_at'>;

/**
 * The viewer's relations to some users, in one statement: whom of them the viewer follows
 * (actively), blocks, is blocked by, and mutes. One indexed probe per user and kind.
 */
const relationsQuery = preparedQuery((db, p: ParamRefs<{ viewerId: string; userIds: string[] }>) =>
  db
    .selectFrom('follows')
    .select([sql<string>`'follows'`.as('kind'), 'followee_id as user_id'])
    .where('follower_id', '=', p.id('viewerId'))
    .where('followee_id', 'in', p.ids('userIds'))
    .where('state', '=', 'active')
    .unionAll(
      db
        .selectFrom('blocks')
        .select([sql<string>`'blocks'`.as('kind'), 'blocked_id as user_id'])
        .where('blocker_id', '=', p.id('viewerId'))
        .where('blocked_id', 'in', p.ids('userIds')),
    )
    .unionAll(
      db
        .selectFrom('blocks')
        .select([sql<string>`'blocked_by'`.as('kind'), 'blocker_id as user_id'])
        .where('blocked_id', '=', p.id('viewerId'))
        .where('blocker_id', 'in', p.ids('userIds')),
    )
    .unionAll(
      db
        .selectFrom('mutes')
        .select([sql<string>`'mutes'`.as('kind'), 'muted_id as user_id'])
        .where('muter_id', '=', p.id('viewerId'))
        .where('muted_id', 'in', p.ids('userIds')),
    ),
);

/**
 * Loads, in two queries whatever the number of posts, the facts `mayViewPost` needs for one viewer
 * and many posts (the authors' rows for their privacy; the viewer's active follows and blocks
 * either way among them), then answers per post. Lists filter with it after loading a page; single
 * reads use it the same way. It keeps the author rows: hydration presents the authors from them
 * instead of loading them again. The viewer's mutes among the authors come with the relations, for
 * the lists that drop muted accounts.
 */
export class PostAccess {
  private constructor(
    private readonly viewerId: string | null,
    private readonly authors: ReadonlyMap<string, UserRow>,
    private readonly followed: Set<string>,
    private readonly blocked: Set<string>,
    private readonly muted: Set<string>,
  ) {}

  static async load(db: Kysely<Database>, viewerId: string | null, authorIds: Iterable<string>): Promise<PostAccess> {
    const authors = [...new Set(authorIds)];
    const followed = new Set<string>();
    const blocked = new Set<string>();
    const muted = new Set<string>();
    if (authors.length === 0) return new PostAccess(viewerId, new Map(), followed, blocked, muted);
    const [authorRows, relations] = await Promise.all([
      loadUsers(db, authors),
      viewerId === null ? [] : relationsQuery.execute(db, { viewerId, userIds: authors }),
    ]);
    for (const { kind, user_id } of relations) {
      if (kind === 'follows') followed.add(user_id);
      else if (kind === 'mutes') muted.add(user_id);
      else blocked.add(user_id);
    }
    return new PostAccess(viewerId, authorRows, followed, blocked, muted);
  }

  facts(post: PostLike): PostFacts {
    return {
      authorId: post.author_id,
      visibility: post.visibility,
      deleted: post.deleted_at !== null,
      hidden: post.hidden_at !== null,
      authorIsPrivate: this.authors.get(post.author_id)?.is_private === 1,
    };
  }

  relation(authorId: string): RelationFacts {
    return { followsAuthor: this.followed.has(authorId), blocked: this.blocked.has(authorId) };
  }

  /** The row of a user this was loaded for (the authors, or any user the caller named). */
  author(userId: string): UserRow | undefined {
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
    return mayViewPost(this.viewerId, this.facts(post), this.relation(post.author_id));
  }
}
