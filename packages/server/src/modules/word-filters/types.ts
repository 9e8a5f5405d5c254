/** A post or comment a `hold` rule matched, waiting for a moderator (the shape `listHeld` returns). */
export interface HeldItem {
  /** The hold's id: what `release` takes. */
  id: string;
  /** `post`: held when it was published; `caption`: held at a caption edit; `comment`. */
  subject: 'post' | 'caption' | 'comment';
  postId: string;
  /** Set for a comment. */
  commentId: string | null;
  authorId: string;
  /** The term that matched, as written in its rule, and where that rule lives. */
  rule: { term: string; source: 'file' | 'admin' };
  createdAt: string;
}
