/** Public shapes of the profiles module, as they travel on the wire. */
import type { PublicUser } from '../accounts/types.js';
import type { Relationship } from '../graph/types.js';

export interface ProfileCounts {
  followers: number;
  following: number;
  posts: number;
}

/** A profile header: the user, their counts, and how the viewer stands with them. */
export interface Profile {
  user: PublicUser;
  counts: ProfileCounts;
  /** Null when signed out. */
  relationship: Relationship | null;
}
