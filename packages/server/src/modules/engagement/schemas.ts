import { z } from 'zod';
import { idSchema } from '../shared/ids.js';
import { pageInput } from '../shared/pagination.js';
import { DEFAULT_REACTION, REACTIONS } from './reactions.js';

const id = idSchema;

/** Characters a comment holds at most, after trimming (UTF-16 units, as zod counts). */
export const MAX_COMMENT_LENGTH = 1_000;

export const likeInput = z.object({
  postId: id,
  reaction: z.enum(REACTIONS).default(DEFAULT_REACTION),
});

export const unlikeInput = z.object({ postId: id });

export const likersInput = z.object({ postId: id, ...pageInput });

export const createCommentInput = z.object({
  postId: id,
  body: z
    .string()
    .trim()
    .min(1, 'A comment cannot be empty.')
    .max(MAX_COMMENT_LENGTH, `Comments are at most ${MAX_COMMENT_LENGTH.toLocaleString('en')} characters.`),
  /** Reply to this comment. A reply to a reply joins the thread of its top-level comment. */
  parentId: id.optional(),
});

export const listCommentsInput = z.object({ postId: id, ...pageInput });

export const repliesInput = z.object({ commentId: id, ...pageInput });

export const commentIdInput = z.object({ commentId: id });

export type LikeInput = z.infer<typeof likeInput>;
export type LikersInput = z.infer<typeof likersInput>;
export type CreateCommentInput = z.infer<typeof createCommentInput>;
export type ListCommentsInput = z.infer<typeof listCommentsInput>;
export type RepliesInput = z.infer<typeof repliesInput>;
