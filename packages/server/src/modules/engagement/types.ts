import type { PublicUser } from '../accounts/types.js';
import type { Reaction } from './reactions.js';

export interface LikeResult {
  liked: true;
  reaction: Reaction;
  likeCount: number;
}

export interface UnlikeResult {
  liked: false;
  likeCount: number;
}

/** One person who liked a post, in `likes.likers`. */
export interface Liker {
  user: PublicUser;
  reaction: Reaction;
  /** When they first liked it; changing the reaction keeps the date. */
  likedAt: string;
}

export interface CommentView {
  id: string;
  postId: string;
  /** The top-level comment this one replies to; null for a top-level comment. */
  parentId: string | null;
  author: PublicUser;
  body: string;
  /** Live replies (a top-level comment's only; replies have no replies). */
  replyCount: number;
  createdAt: string;
  /** The viewer wrote the comment or the post, so may delete it. */
  canDelete: boolean;
}
