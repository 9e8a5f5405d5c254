import type { Selectable } from 'kysely';
import type { AccountExportsTable } from '../../db/schema.js';
import type { AccountExport } from './types.js';
import type { ExportUrlSigner } from './urls.js';

export type ExportRow = Selectable<AccountExportsTable>;

/** The archive's file name: what the download saves as. */
export function archiveFileName(row: Pick<ExportRow, 'id'>): string {
  return `aperture-export-${row.id}.tar.gz`;
}

export function presentExport(row: ExportRow, urls: ExportUrlSigner, now: Date): AccountExport {
  const expired = row.state === 'ready' && row.expires_at !== null && row.expires_at <= now.toISOString();
  const link =
    row.state === 'ready' && !expired && row.expires_at !== null
      ? urls.url(row.id, archiveFileName(row), row.expires_at)
      : null;
  return {
    id: row.id,
    state: expired ? 'expired' : row.state,
    progress: { done: row.items_done, total: row.items_total },
    createdAt: row.created_at,
    readyAt: row.ready_at,
    expiresAt: row.expires_at,
    size: row.size === null ? null : Number(row.size),
    url: link?.url ?? null,
    urlExpiresAt: link?.expiresAt ?? null,
  };
}
