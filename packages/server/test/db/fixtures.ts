import type { NewUser, SessionsTable } from '../../src/db/index.js';
import type { Insertable } from 'kysely';

const NOW = '2024-05-06T07:08:09.123Z';

/** A valid users row; `name` drives username, keys and email so rows differ by one argument. */
export function userRow(id: string, name: string, overrides: Partial<NewUser> = {}): NewUser {
  return {
    id,
    username: name,
    username_key: name.toLowerCase(),
    email: `${name}@example.com`,
    email_key: `${name.toLowerCase()}@example.com`,
    password_hash: 'not-a-real-hash',
    display_name: name,
    bio: '',
    created_at: NOW,
    updated_at: NOW,
    last_active_at: NOW,
    ...overrides,
  };
}

export function sessionRow(id: string, userId: string, overrides: Partial<Insertable<SessionsTable>> = {}) {
  return {
    id,
    user_id: userId,
    token_hash: `hash-${id}`,
    user_agent: null,
    ip: null,
    created_at: NOW,
    last_used_at: NOW,
    expires_at: '2030-01-01T00:00:00.000Z',
    revoked_at: null,
    ...overrides,
  } satisfies Insertable<SessionsTable>;
}

/** Runs `fn` and returns what it threw; fails the test if it did not throw. */
export async function thrownBy(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected the operation to throw, and it did not');
}
