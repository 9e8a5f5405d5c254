import { createHmac, timingSafeEqual } from 'node:crypto';
import { SignatureExpiredError, SignatureInvalidError } from '../errors.js';

/** What an upload token allows: one PUT of `key` (or of one part of a multipart upload) until `expiresAt`. */
export interface UploadClaims {
  key: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
  contentType?: string;
  uploadId?: string;
  partNumber?: number;
}

interface WireClaims {
  k: string;
  e: number;
  c?: string;
  u?: string;
  p?: number;
}

// Tokens travel in a URL path; anything longer than this is not one of ours.
const MAX_TOKEN_LENGTH = 4096;

/**
 * Signs and verifies the tokens of disk upload URLs (`/uploads/:token`): base64url(JSON claims) "."
 * base64url(HMAC-SHA256). The HMAC key is derived from the server secret so that the same secret can
 * sign other things without a token of one kind passing for another.
 */
export class UploadSigner {
  readonly #key: Buffer;
  readonly #clock: () => number;

  constructor(secret: string, clock: () => number = Date.now) {
    if (secret.length === 0) throw new Error('UploadSigner needs a non-empty secret');
    this.#key = createHmac('sha256', secret).update('aperture/upload-token/v1').digest();
    this.#clock = clock;
  }

  sign(claims: UploadClaims): string {
    const wire: WireClaims = { k: claims.key, e: claims.expiresAt };
    if (claims.contentType !== undefined) wire.c = claims.contentType;
    if (claims.uploadId !== undefined) wire.u = claims.uploadId;
    if (claims.partNumber !== undefined) wire.p = claims.partNumber;
    const payload = Buffer.from(JSON.stringify(wire)).toString('base64url');
    return `${payload}.${this.#mac(payload)}`;
  }

  /** Throws SignatureInvalidError or SignatureExpiredError. */
  verify(token: string): UploadClaims {
    if (token.length > MAX_TOKEN_LENGTH) throw new SignatureInvalidError('upload token too long');
    const dot = token.indexOf('.');
    if (dot <= 0 || dot !== token.lastIndexOf('.')) throw new SignatureInvalidError('malformed upload token');
    const payload = token.slice(0, dot);
    // Compare the text, not decoded bytes: base64 decoders ignore stray low bits, so several
    // spellings would otherwise pass for one signature.
    const given = Buffer.from(token.slice(dot + 1));
    const expected = Buffer.from(this.#mac(payload));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new SignatureInvalidError();
    }
    const claims = parseClaims(payload);
    if (this.#clock() >= claims.expiresAt) throw new SignatureExpiredError(new Date(claims.expiresAt));
    return claims;
  }

  #mac(payload: string): string {
    return createHmac('sha256', this.#key).update(payload).digest('base64url');
  }
}

// Only reached for payloads we signed ourselves, so a bad shape means a bug or a leaked key; still
// refuse rather than trust.
function parseClaims(payload: string): UploadClaims {
  let wire: unknown;
  try {
    wire = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw new SignatureInvalidError('malformed upload token');
  }
  if (typeof wire !== 'object' || wire === null) throw new SignatureInvalidError('malformed upload token');
  const { k, e, c, u, p } = wire as Partial<Record<keyof WireClaims, unknown>>;
  if (typeof k !== 'string' || typeof e !== 'number') throw new SignatureInvalidError('malformed upload token');
  if (c !== undefined && typeof c !== 'string') throw new SignatureInvalidError('malformed upload token');
  if (u !== undefined && typeof u !== 'string') throw new SignatureInvalidError('malformed upload token');
  if (p !== undefined && (typeof p !== 'number' || u === undefined)) {
    throw new SignatureInvalidError('malformed upload token');
  }
  return {
    key: k,
    expiresAt: e,
    ...(c === undefined ? {} : { contentType: c }),
    ...(u === undefined ? {} : { uploadId: u }),
    ...(p === undefined ? {} : { partNumber: p }),
  };
}
