/**
 * Row types as the application sees them, identical on SQLite and Postgres:
 * - ids (BIGINT) are decimal strings;
 * - timestamps are ISO-8601 strings (`timestamptz` on Postgres, TEXT on SQLite);
 * - flags are integers 0/1, and other integers are numbers.
 * The dialect adapter in `connect.ts` makes both drivers return exactly these shapes.
 */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface UsersTable {
  id: string;
  username: string;
  /** Lower-cased username: the unique key, so `Ana` and `ana` cannot both exist. */
  username_key: string;
  email: string;
  /** Lower-cased email: the unique key. */
  email_key: string;
  password_hash: string;
  display_name: string;
  bio: string;
  is_private: Generated<number>;
  created_at: string;
  updated_at: string;
  last_active_at: string;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  /** SHA-256 (hex) of the bearer token; the token itself is never stored. */
  token_hash: string;
  user_agent: string | null;
  ip: string | null;
  created_at: string;
  last_used_at: string;
  expires_at: string;
  revoked_at: string | null;
}

/** Failed sign-in attempts per normalised username, known or not (so both look alike). */
export interface LoginThrottleTable {
  username_key: string;
  failures: number;
  last_failure_at: string;
  locked_until: string | null;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  login_throttle: LoginThrottleTable;
}

export type UserRow = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
