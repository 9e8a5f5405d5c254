import type { UserRow } from '../../db/schema.js';
import { presentPublicUser, type AvatarUrls } from '../accounts/presenter.js';
import type { Relationship } from '../graph/types.js';
import type { Profile } from './types.js';

export function presentProfile(user: UserRow, relationship: Relationship | null, avatarUrls: AvatarUrls): Profile {
  return {
    user: presentPublicUser(user, avatarUrls),
    counts: { followers: user.follower_count, following: user.following_count, posts: user.post_count },
    relationship,
  };
}
