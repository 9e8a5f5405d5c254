import type { PublicUser } from '../accounts/types.js';

/** A follow row's state: `pending` while a private account has not approved the request. */
export type FollowState = 'active' | 'pending';

/** One direction of the follow relation between the viewer and someone. */
export type FollowStatus = 'none' | FollowState;

/** How the viewer stands with another user. */
export interface Relationship {
  /** The viewer's follow of them. */
  following: FollowStatus;
  /** Their follow of the viewer. */
  followedBy: FollowStatus;
  /** The viewer blocks them. */
  blocking: boolean;
  /**
   * Always false: like Instagram, being blocked is never said out loud. Someone who blocked the
   * viewer is answered as not-found instead (profile, relationship, lists, follow).
   */
  blockedBy: boolean;
  /** The viewer mutes them (their posts leave the viewer's feed; nothing else changes). */
  muting: boolean;
}

/** A follow request to the viewer. `id` is the request's own id (it orders the list). */
export interface FollowRequest {
  id: string;
  user: PublicUser;
  createdAt: string;
}
