import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../errors/app-error.js';

/** How long a download link of an export is valid at most (never past the archive's own expiry). */
export const EXPORT_LINK_TTL_SECONDS = 3_600;

/**
 * Download links of export archives: `…/exports/<id>/<file>?exp=…&sig=…`, an HMAC over the
 * export's id and the expiry, like the capability URLs of private media (modules/media/urls.ts),
 * so a browser or `curl` can fetch the archive without a bearer token, for a limited time.
 */
export class ExportUrlSigner {
  constructor(
    private readonly secret: string,
    private readonly publicUrl: () => string,
    private readonly now: () => number,
  ) {}

  /** A link valid until `EXPORT_LINK_TTL_SECONDS` from now or `archiveExpiresAt`, whichever is first. */
  url(exportId: string, file: string, archiveExpiresAt: string): { url: string; expiresAt: string } {
    const exp = Math.min(
      Math.floor(this.now() / 1000) + EXPORT_LINK_TTL_SECONDS,
      Math.floor(Date.parse(archiveExpiresAt) / 1000),
    );
    const url = `${this.publicUrl()}/exports/${exportId}/${file}?exp=${exp}&sig=${this.sign(exportId, exp)}`;
    return { url, expiresAt: new Date(exp * 1000).toISOString() };
  }

  /** Throws SIGNATURE_INVALID for a link this server did not sign, SIGNATURE_EXPIRED for one past its expiry. */
  verify(exportId: string, exp: string | undefined, sig: string | undefined): void {
    if (!exp || !sig || !/^\d{1,12}$/.test(exp)) throw new AppError('SIGNATURE_INVALID');
    const expected = Buffer.from(this.sign(exportId, Number(exp)));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new AppError('SIGNATURE_INVALID');
    if (Number(exp) * 1000 <= this.now()) throw new AppError('SIGNATURE_EXPIRED');
  }

  private sign(exportId: string, exp: number): string {
    return createHmac('sha256', this.secret).update(`export:${exportId}:${exp}`).digest('base64url').slice(0, 32);
  }
}
