import { AppError } from '../../errors/app-error.js';
import type { PostRow } from '../../db/schema.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage } from '../shared/pagination.js';
import { PostAccess } from '../visibility/post-access.js';
import { shownToOthers } from '../visibility/post-visibility-sql.js';
import type { HydrateDeps } from './hydrate.js';
import { byIds, createPostList, keepSkeletonOrder, type PostList } from './pipeline.js';
import type { ByUserInput } from './schemas.js';

/** One post by id, through the same rules as every list: an empty page when the viewer may not see it. */
export function singlePost(deps: Omit<HydrateDeps, 'db'>): PostList<string> {
  return createPostList(deps, {
    skeleton: (_ctx, id: string) => Promise.resolve({ ids: [id], nextCursor: null }),
    hydration: (ctx, skeleton) => byIds(ctx, skeleton.ids),
    mutedAuthors: 'show',
    arrange: keepSkeletonOrder,
  });
}

interface GridSkeleton {
  rows: PostRow[];
  access: PostAccess;
  nextCursor: string | null;
}

/**
 * A profile grid: the author's posts the viewer may see, newest first. NOT_FOUND for an unknown
 * user and between a blocked pair (either way), exactly alike.
 */
export function profileGrid(deps: Omit<HydrateDeps, 'db'>): PostList<ByUserInput> {
  return createPostList(deps, {
    async skeleton({ db, viewerId }, input): Promise<GridSkeleton> {
      const author = await db
        .selectFrom('users')
        .select(['id'])
        // A suspended account has no grid, exactly like a missing one.
        .where('suspended_at', 'is', null)
        .$if(input.userId !== undefined, (qb) => qb.where('id', '=', input.userId!))
        .$if(input.username !== undefined, (qb) => qb.where('username_key', '=', input.username!))
        .executeTakeFirst();
      if (!author) throw new AppError('NOT_FOUND', 'No such user.');
      // One author: the policy's facts are the same for every post, so they are loaded first and
      // what they decide is pushed into SQL, so pages stay full. The rules still judge every row.
      const access = await PostAccess.load(db, viewerId, [author.id]);
      if (access.isBlocked(author.id)) throw new AppError('NOT_FOUND', 'No such user.');
      const limit = input.limit ?? DEFAULT_PAGE_SIZE;
      const after = decodeCursor(input.cursor);
      const isAuthor = viewerId === author.id;
      const rows = await db
        .selectFrom('posts')
        .selectAll()
        .where('author_id', '=', author.id)
        .where('deleted_at', 'is', null)
        .$if(!isAuthor, (qb) => qb.where(shownToOthers('posts')))
        .$if(!isAuthor && !access.relation(author.id).followsAuthor, (qb) => qb.where('visibility', '=', 'public'))
        .$if(after !== undefined, (qb) => qb.where('id', '<', after!))
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      const page = toPage(rows, limit, (r) => r);
      return { rows: page.items, access, nextCursor: page.nextCursor };
    },
    // The skeleton read whole rows and the author's relations already.
    hydration: (_ctx, skeleton) => Promise.resolve({ rows: skeleton.rows, access: skeleton.access }),
    mutedAuthors: 'show',
    arrange: keepSkeletonOrder,
  });
}
