import { createHash } from 'node:crypto';

/** Fixed label: a seeded token can never equal one the server minted from random bytes by chance. */
const LABEL = 'aperture-loadgen-seed-session';

/**
 * The session token of seeded user `userId` in the dataset made from `seed`: `apt_` + base64url of
 * SHA-256(label, seed, user id) — 43 characters, the shape of a server-minted token, so the server
 * accepts it. Anyone who knows the seed can act as any seeded user: never seed a production database.
 */
export function seededToken(seed: number, userId: number): string {
  return 'apt_' + createHash('sha256').update(`${LABEL}:${seed}:${userId}`).digest('base64url');
}

/** What the sessions table stores for a token: SHA-256 hex, as packages/server/src/modules/accounts/tokens.ts. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
