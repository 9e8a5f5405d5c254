import { createHmac, timingSafeEqual } from 'node:crypto';

/** How long a capability URL for non-public media stays valid. */
export const PRIVATE_URL_TTL_SECONDS = 3_600;

/**
 * URLs of derivatives. Public media get plain, immutable URLs; media only some viewers may see
 * get capability URLs (`?exp=…&sig=…`, HMAC over id and expiry) so an `<img>` tag or a terminal
 * can fetch them without a bearer token, for a limited time.
 */
export class MediaUrlSigner {
  constructor(
    private readonly secret: string,
    private readonly publicUrl: () => string,
    private readonly now: () => number = Date.now,
  ) {}

  url(mediaId: string, file: string, isPublic: boolean): string {
    const base = `${this.publicUrl()}/media/${mediaId}/${file}`;
    if (isPublic) return base;
    // Round expiry up to the next 10 minutes so URLs stay stable (and cacheable) across calls.
    const window = 600;
    const exp = Math.ceil((this.now() / 1000 + PRIVATE_URL_TTL_SECONDS) / window) * window;
    return `${base}?exp=${exp}&sig=${this.sign(mediaId, exp)}`;
  }

  /** Whether `sig` grants access to `mediaId` at this moment. */
  verify(mediaId: string, exp: string | undefined, sig: string | undefined): boolean {
    if (!exp || !sig || !/^\d{1,12}$/.test(exp)) return false;
    if (Number(exp) * 1000 < this.now()) return false;
    const expected = Buffer.from(this.sign(mediaId, Number(exp)));
    const given = Buffer.from(sig);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  private sign(mediaId: string, exp: number): string {
    return createHmac('sha256', this.secret).update(`media:${mediaId}:${exp}`).digest('base64url').slice(0, 32);
  }
}
