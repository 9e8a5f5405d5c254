import type { PostVisibility } from '../../db/schema.js';

/** What the policy needs to know about a post. */
export interface PostFacts {
  authorId: string;
  visibility: PostVisibility;
  deleted: boolean;
  hidden: boolean;
  /** Held by a word filter until a moderator releases it. */
  held: boolean;
  authorIsPrivate: boolean;
  /** A moderator suspended the author: all their posts are gone for everyone until unsuspended. */
  authorSuspended: boolean;
}

/** What the policy needs to know about the viewer's relation to the author. */
export interface RelationFacts {
  /** The viewer follows the author and the follow is active (not a pending request). */
  followsAuthor: boolean;
  /** Either of the two blocked the other. */
  blocked: boolean;
}

/**
 * THE rule of who may see a post. Every surface — the post itself, profile grids, feeds, hashtags
 * and search (all through the post-list pipeline, `posts/pipeline.ts`), comments, likers, the
 * post's media bytes and notifications — asks this function (through `PostAccess`), and a "no"
 * must look exactly like not-found. Its SQL restatements are in `post-visibility-sql.ts`.
 */
export function mayViewPost(viewerId: string | null, post: PostFacts, relation: RelationFacts): boolean {
  if (post.deleted || post.authorSuspended) return false;
  const isAuthor = viewerId !== null && viewerId === post.authorId;
  if (isAuthor) return true;
  if (post.hidden || post.held) return false;
  if (relation.blocked) return false;
  if (post.visibility === 'followers' || post.authorIsPrivate) return relation.followsAuthor;
  return true;
}

/** A post anyone may see, signed in or not: its media may be cached publicly and forever. */
export function isPubliclyVisible(post: PostFacts): boolean {
  return (
    !post.deleted &&
    !post.authorSuspended &&
    !post.hidden &&
    !post.held &&
    post.visibility === 'public' &&
    !post.authorIsPrivate
  );
}
