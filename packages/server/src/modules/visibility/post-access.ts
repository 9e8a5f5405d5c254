import type { Kysely } from 'kysely';
import type { Database, PostRow, UserRow } from '../../db/schema.js';
import { loadUsers } from '../accounts/load-users.js';
import { mayViewPost, type PostFacts, type RelationFacts } from './post-policy.js';

type PostLike = Pick<PostRow, 'id' | 'author_id' | 'visibility' | 'deleted_at' | 'hidden_at'>;

/**
 * Loads, in three queries whatever the number of posts, the facts `mayViewPost` needs for one
 * viewer and many posts (the authors' rows for their privacy, the viewer's active follows, blocks
 * either way), then answers per post. Lists filter with it after loading a page; single reads use
 * it the same way. It keeps the author rows: hydration presents the authors from them instead of
 * loading them again.
 */
export class PostAccess {
  private constructor(
    private readonly viewerId: string | null,
    private readonly authors: ReadonlyMap<string, UserRow>,
    private readonly followed: Set<string>,
    private readonly blocked: Set<string>,
  ) {}

  static async load(db: Kysely<Database>, viewerId: string | null, authorIds: Iterable<string>): Promise<PostAccess> {
    const authors = [...new Set(authorIds)];
    if (authors.length === 0) return new PostAccess(viewerId, new Map(), new Set(), new Set());
    const authorRows = await loadUsers(db, authors);
    let followed: string[] = [];
    let blocked: string[] = [];
    if (viewerId !== null) {
      const follows = await db
        .selectFrom('follows')
        .select('followee_id')
        .where('follower_id', '=', viewerId)
        .where('followee_id', 'in', authors)
        .where('state', '=', 'active')
        .execute();
      followed = follows.map((f) => f.followee_id);
      const blocks = await db
        .selectFrom('blocks')
        .select(['blocker_id', 'blocked_id'])
        .where((eb) =>
          eb.or([
            eb.and([eb('blocker_id', '=', viewerId), eb('blocked_id', 'in', authors)]),
            eb.and([eb('blocked_id', '=', viewerId), eb('blocker_id', 'in', authors)]),
          ]),
        )
        .execute();
      blocked = blocks.map((b) => (b.blocker_id === viewerId ? b.blocked_id : b.blocker_id));
    }
    return new PostAccess(viewerId, authorRows, new Set(followed), new Set(blocked));
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

  /** Is the viewer blocked by, or blocking, this user? */
  isBlocked(userId: string): boolean {
    return this.blocked.has(userId);
  }

  canView(post: PostLike): boolean {
    return mayViewPost(this.viewerId, this.facts(post), this.relation(post.author_id));
  }
}
