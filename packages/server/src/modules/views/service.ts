import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { AppError } from '../../errors/app-error.js';
import { visiblePost } from '../engagement/post-gate.js';
import type { ViewCounter } from './view-counter.js';
import { RecentViews } from './recent-views.js';

export interface ViewsServiceDeps {
  db: Kysely<Database>;
  counter: ViewCounter;
  now: () => number;
  /** A viewer's repeat views of a post within this window count once (default 5 min). */
  dedupeWindowMs?: number;
}

/** Who is viewing: a signed-in user, or an anonymous client known by its address. */
export interface ViewerKey {
  userId: string | null;
  ip: string | null;
}

export interface PostInsights {
  views: number;
  likes: number;
  comments: number;
}

export class ViewsService {
  private readonly recent: RecentViews;

  constructor(private readonly deps: ViewsServiceDeps) {
    this.recent = new RecentViews(deps.dedupeWindowMs ?? 5 * 60_000);
  }

  /**
   * Counts one view of a post the viewer may see; a post they may not see is NOT_FOUND, like
   * every other read of it. The count is in memory until the next flush.
   */
  async record(viewer: ViewerKey, postId: string): Promise<{ counted: boolean }> {
    await visiblePost(this.deps.db, viewer.userId, postId);
    const who = viewer.userId !== null ? `u:${viewer.userId}` : viewer.ip !== null ? `a:${viewer.ip}` : null;
    if (who !== null && !this.recent.firstSince(`${who}:${postId}`, this.deps.now())) return { counted: false };
    this.deps.counter.add(postId);
    return { counted: true };
  }

  /** Views, likes and comments of a post, for its author only. */
  async insights(viewerId: string, postId: string): Promise<PostInsights> {
    const { post } = await visiblePost(this.deps.db, viewerId, postId);
    if (post.author_id !== viewerId) throw new AppError('FORBIDDEN', 'Only the author can see insights of a post.');
    return {
      views: post.view_count + this.deps.counter.unflushed(postId),
      likes: post.like_count,
      comments: post.comment_count,
    };
  }
}
