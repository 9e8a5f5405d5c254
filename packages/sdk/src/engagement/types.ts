import type { RouterInputs, RouterOutputs } from '../types.js';

/** The reactions a like can carry: `like` (the default), `love`, `haha`, `wow`, `sad`, `fire`. */
export type Reaction = NonNullable<RouterInputs['likes']['like']['reaction']>;
/** What `likes.like` answers: the reaction kept and the post's new like count. */
export type LikeResult = RouterOutputs['likes']['like'];
/** What `likes.unlike` answers: the post's new like count. */
export type UnlikeResult = RouterOutputs['likes']['unlike'];
/** One person who liked a post, with their reaction. */
export type Liker = RouterOutputs['likes']['likers']['items'][number];
/** A comment or a reply, with its author and reply count. */
export type CommentView = RouterOutputs['comments']['create'];
/** What `comments.create` takes: the post, the text, and `parentId` to reply. */
export type CreateCommentInput = RouterInputs['comments']['create'];
