import { createHash, randomBytes } from 'node:crypto';

/** Prefix so secret scanners and humans can recognise a leaked Aperture token. */
const TOKEN_PREFIX = 'apt_';

/** A new bearer token: 256 random bits. Only its hash is ever stored. */
export function newSessionToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function looksLikeSessionToken(token: string): boolean {
  return token.startsWith(TOKEN_PREFIX) && token.length === TOKEN_PREFIX.length + 43;
}
