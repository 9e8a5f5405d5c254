/** Public shapes of the accounts module, as they travel on the wire. */
export interface PublicUser {
  id: string;
  username: string;
  displayName: string;
  bio: string;
  isPrivate: boolean;
  /** 150×150 avatar URLs; they change when the avatar does, so they can be cached forever. */
  avatar: { webp: string; jpg: string } | null;
  createdAt: string;
}

/** What an account may do beyond its own content: moderators and admins moderate (docs/moderation.md). */
export type UserRole = 'user' | 'moderator' | 'admin';

/** The signed-in user's own view of their account. */
export interface PrivateUser extends PublicUser {
  email: string;
  role: UserRole;
  /**
   * The account's "always show sensitive media" setting: false (the default) asks clients to cover
   * a post whose `sensitive` is true until the viewer asks to see it.
   */
  showSensitive: boolean;
}

export interface SessionInfo {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  userAgent: string | null;
  ip: string | null;
  /** True for the session making this request. */
  current: boolean;
}

export interface AuthResult {
  /** Bearer token for `Authorization: Bearer …`; shown once, never stored by the server. */
  token: string;
  user: PrivateUser;
  session: SessionInfo;
}

/** Who is making a request, once their token checked out. */
export interface Viewer {
  userId: string;
  sessionId: string;
  /**
   * The primary's WAL position after this user's latest write (with a read replica only): their
   * reads use the replica only once it has replayed this far (`db/reads.ts`).
   */
  lastWriteLsn?: string | null;
  /** Set inside a mutation: its reads (the answer it returns) go to the primary, which has its write. */
  writing?: boolean;
}

/** Request facts recorded on a new session. */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}
