import { hash, randomBytes } from 'node:crypto';

/** Prefix so secret scanners and humans can recognise a leaked Aperture token. */
const TOKEN_PREFIX = 'apt_';

/** A new bearer token: 256 random bits. Only its hash is ever stored. */
export function newSessionToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** Every authenticated request hashes its token: the one-shot `hash` costs a third of a `createHash` chain. */
export function hashToken(token: string): string {
  return hash('sha256', token, 'hex');
}

export function looksLikeSessionToken(token: string): boolean {
  return token.startsWith(TOKEN_PREFIX) && token.length === TOKEN_PREFIX.length + 43;
}
