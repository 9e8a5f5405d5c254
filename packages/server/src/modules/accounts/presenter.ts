import type { SessionRow, UserRow } from '../../db/schema.js';
import type { PrivateUser, PublicUser, SessionInfo } from './types.js';
import type { PublicUserRow } from './load-users.js';

/** Builds the public avatar URLs of a media id. */
export type AvatarUrls = (mediaId: string) => { webp: string; jpg: string };

export function presentPublicUser(row: PublicUserRow, avatarUrls: AvatarUrls): PublicUser {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    bio: row.bio,
    isPrivate: row.is_private === 1,
    avatar: row.avatar_media_id ? avatarUrls(row.avatar_media_id) : null,
    createdAt: row.created_at,
  };
}

export function presentPrivateUser(row: UserRow, avatarUrls: AvatarUrls): PrivateUser {
  return {
    ...presentPublicUser(row, avatarUrls),
    email: row.email,
    role: row.role,
    showSensitive: row.show_sensitive === 1,
  };
}

export function presentSession(row: SessionRow, currentSessionId: string | undefined): SessionInfo {
  return {
    id: row.id,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
    userAgent: row.user_agent,
    ip: row.ip,
    current: row.id === currentSessionId,
  };
}
