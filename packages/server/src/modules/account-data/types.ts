/** Public shapes of the account-data procedures (`accounts.export`, `accounts.exportStatus`, `accounts.delete`). */

/**
 * `pending`: waiting for a worker; `building`: a worker is writing the archive; `ready`: `url`
 * downloads it; `failed`: it could not be built (start another); `expired`: it was removed.
 */
export type ExportState = 'pending' | 'building' | 'ready' | 'failed' | 'expired';

export interface AccountExport {
  id: string;
  state: ExportState;
  /** Entries written of those the archive will hold (JSON files and media originals); 0/0 until counted. */
  progress: { done: number; total: number };
  createdAt: string;
  readyAt: string | null;
  /** When a ready archive is removed: its link never outlives it. */
  expiresAt: string | null;
  /** Bytes of the archive (gzip-compressed tar), once ready. */
  size: number | null;
  /** A signed link to download the archive (no token needed), once ready; it expires at `urlExpiresAt`. */
  url: string | null;
  urlExpiresAt: string | null;
}

export interface AccountDeletion {
  deletedAt: string;
  /** When everything of the account is removed for good; until then it is hidden and cannot sign in. */
  purgeAfter: string;
}
