import type { SessionRow, UserRow } from '../../db/schema.js';
import type { PrivateUser, PublicUser, SessionInfo } from './types.js';

export function presentPublicUser(row: UserRow): PublicUser {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    bio: row.bio,
    isPrivate: row.is_private === 1,
    createdAt: row.created_at,
  };
}

export function presentPrivateUser(row: UserRow): PrivateUser {
  return { ...presentPublicUser(row), email: row.email };
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
