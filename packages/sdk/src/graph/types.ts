import type { RouterOutputs } from '../types.js';

/**
 * Names a user: an id (a string of digits, as every id the API returns), `{ userId }` or
 * `{ username }`.
 */
export type UserRef = string | { userId: string } | { username: string };

/** A profile header: the user, their counts, and how you stand with them (null when signed out). */
export type Profile = RouterOutputs['users']['profile'];
export type ProfileCounts = Profile['counts'];
/** How you stand with someone: your follow, theirs, and whether you block or mute them. */
export type Relationship = RouterOutputs['graph']['relationship'];
/** `none`, `pending` (a request a private account has not approved yet) or `active`. */
export type FollowStatus = Relationship['following'];
/** A pending follow request to you. */
export type FollowRequest = RouterOutputs['graph']['requests']['list']['items'][number];
/** What `graph.follow` answers: `active`, or `pending` for a private account. */
export type FollowResult = RouterOutputs['graph']['follow'];

/** The wire form of a {@link UserRef}. */
export function toUserRef(user: UserRef): { userId: string } | { username: string } {
  if (typeof user !== 'string') return 'userId' in user ? { userId: user.userId } : { username: user.username };
  return { userId: user };
}
