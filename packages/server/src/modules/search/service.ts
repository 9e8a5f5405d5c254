import { sql, type Kysely } from 'kysely';
import type { Reads } from '../../db/reads.js';
import type { Database } from '../../db/schema.js';
import type { DialectCapabilities } from '../../db/capabilities.js';
import { AppError } from '../../errors/app-error.js';
import { presentPublicUser } from '../accounts/presenter.js';
import type { PublicUser, Viewer } from '../accounts/types.js';
import type { HydrateDeps } from '../posts/hydrate.js';
import {
  createPostList,
  keepSkeletonOrder,
  rowsLoaded,
  type PostList,
  type PostListContext,
} from '../posts/pipeline.js';
import type { PostView } from '../posts/types.js';
import { DEFAULT_PAGE_SIZE, type Page } from '../shared/pagination.js';
import { tagQuery } from '../tags/extract.js';
import { noBlockBetween, postVisibleTo } from '../visibility/post-visibility-sql.js';
import { queryTerms, type TextIndex } from '../posts/text-index.js';

/** Users and hashtags shown (first page only): the best few, not a list to page through. */
export const SEARCH_PREVIEW_SIZE = 10;
/** Deepest offset a search cursor may reach: relevance pages are for reading, not crawling. */
const MAX_OFFSET = 1_000;

export interface SearchInput {
  q: string;
  cursor?: string | undefined;
  limit?: number | undefined;
}

export interface SearchResults {
  users: PublicUser[];
  tags: { name: string; postCount: number }[];
  posts: Page<PostView>;
}

export interface SearchServiceDeps extends Omit<HydrateDeps, 'db'> {
  /** Where searches read: the replica when it fits the viewer, else the primary. */
  reads: Reads;
  caps: DialectCapabilities;
  textIndex: TextIndex;
}

interface PostsQuery {
  terms: string[];
  offset: number;
  limit: number;
}

export class SearchService {
  private readonly postList: PostList<PostsQuery>;

  constructor(private readonly deps: SearchServiceDeps) {
    this.postList = createPostList(deps, {
      skeleton: (ctx, query) => this.postsSkeleton(ctx, query),
      hydration: (ctx, skeleton) => rowsLoaded(ctx, skeleton.rows),
      mutedAuthors: 'show',
      arrange: keepSkeletonOrder,
    });
  }

  /**
   * Users by username/display-name prefix, hashtags by prefix, and posts whose caption holds every
   * word of `q`, best match first. The cursor pages the posts; users and tags come with the first
   * page only. Blocked users (either way) and posts the viewer may not see never appear.
   */
  async all(viewer: Viewer | null, input: SearchInput): Promise<SearchResults> {
    const viewerId = viewer?.userId ?? null;
    const offset = decodeOffset(input.cursor);
    const limit = input.limit ?? DEFAULT_PAGE_SIZE;
    return this.deps.reads.run(viewer, async (db) => {
      const [users, tags, posts] = await Promise.all([
        offset === 0 ? this.users(db, viewerId, input.q) : [],
        offset === 0 ? this.tags(db, viewerId, input.q) : [],
        this.posts({ db, viewerId }, input.q, offset, limit),
      ]);
      return { users, tags, posts };
    });
  }

  private async posts(ctx: PostListContext, q: string, offset: number, limit: number): Promise<Page<PostView>> {
    const terms = queryTerms(q);
    if (terms.length === 0) return { items: [], nextCursor: null };
    return this.postList(ctx, { terms, offset, limit });
  }

  private async users(db: Kysely<Database>, viewerId: string | null, q: string): Promise<PublicUser[]> {
    const prefix = q.trim().replace(/^@/, '').normalize('NFKC').toLowerCase();
    if (prefix.length === 0) return [];
    const pattern = `${escapeLike(prefix)}%`;
    const op = this.deps.caps.caseInsensitiveLike === 'ilike' ? sql`ilike` : sql`like`;
    const rows = await db
      .selectFrom('users')
      .selectAll()
      .where((eb) =>
        eb.or([
          sql<boolean>`${eb.ref('username_key')} like ${pattern} escape '\\'`,
          sql<boolean>`${eb.ref('display_name')} ${op} ${pattern} escape '\\'`,
        ]),
      )
      .$if(viewerId !== null, (qb) => qb.where(noBlockBetween(viewerId!, 'users.id')))
      .where('users.suspended_at', 'is', null)
      // An exact username first, then the most followed.
      .orderBy(sql`case when username_key = ${prefix} then 0 else 1 end`)
      .orderBy('follower_count', 'desc')
      .orderBy('username_key', 'asc')
      .limit(SEARCH_PREVIEW_SIZE)
      .execute();
    return rows.map((row) => presentPublicUser(row, this.deps.avatarUrls));
  }

  private async tags(
    db: Kysely<Database>,
    viewerId: string | null,
    q: string,
  ): Promise<{ name: string; postCount: number }[]> {
    const prefix = tagQuery(q);
    if (prefix === null) return [];
    const rows = await db
      .selectFrom('tags')
      .select(['name', 'post_count'])
      .where(sql<boolean>`name like ${`${escapeLike(prefix)}%`} escape '\\'`)
      // Only tags some post visible to everyone uses, by an author not blocked either way with the
      // viewer: a name alone could reveal a hidden post. The public flag was right when the row
      // was written; the post and its author are checked as they are now.
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('post_tags')
            .innerJoin('posts', 'posts.id', 'post_tags.post_id')
            .innerJoin('users as author', 'author.id', 'post_tags.author_id')
            .select(sql`1`.as('one'))
            .whereRef('post_tags.tag_id', '=', 'tags.id')
            .where('post_tags.is_public', '=', 1)
            .where(postVisibleTo(null, { post: 'posts', author: 'author' }))
            .$if(viewerId !== null, (qb) => qb.where(noBlockBetween(viewerId!, 'post_tags.author_id'))),
        ),
      )
      .orderBy('post_count', 'desc')
      .orderBy('name', 'asc')
      .limit(SEARCH_PREVIEW_SIZE)
      .execute();
    return rows.map((r) => ({ name: r.name, postCount: r.post_count }));
  }

  /** Posts whose caption holds every term, best match first: relevance pages are offsets. */
  private async postsSkeleton({ db, viewerId }: PostListContext, { terms, offset, limit }: PostsQuery) {
    const rows = await db
      .selectFrom(this.deps.textIndex.match(terms, 'm'))
      .innerJoin('posts', 'posts.id', 'm.post_id')
      .innerJoin('users as author', 'author.id', 'posts.author_id')
      .selectAll('posts')
      // The policy in SQL, so pages stay full; the pipeline's rules still judge every row.
      .where(postVisibleTo(viewerId, { post: 'posts', author: 'author' }))
      .orderBy('m.rank', 'asc')
      .orderBy('posts.id', 'desc')
      .offset(offset)
      .limit(limit + 1)
      .execute();
    const more = rows.length > limit && offset + limit < MAX_OFFSET;
    return { rows: rows.slice(0, limit), nextCursor: more ? encodeOffset(offset + limit) : null };
  }
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function encodeOffset(offset: number): string {
  return Buffer.from(`s1:${offset}`).toString('base64url');
}

function decodeOffset(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const match = /^s1:(\d{1,5})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  const offset = match ? Number(match[1]) : NaN;
  if (!(offset >= 0 && offset <= MAX_OFFSET)) throw new AppError('VALIDATION_FAILED', 'That cursor is not valid here.');
  return offset;
}
