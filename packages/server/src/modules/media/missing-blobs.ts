import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connect.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { derivativeKey } from './keys.js';
import type { BlobWalk } from './orphan-scan.js';
import { parseDerivatives } from './presenter.js';
import { OUTPUT_FORMATS, VARIANTS } from './types.js';

/**
 * What `--repair` does about a row whose blobs are missing:
 * - `reprocess`: the original is there, fixed sizes are not: rebuilt by a worker (role all|worker);
 * - `drop-widths`: only sizes rendered on request (`?w=`) are gone: their entries are removed, so the
 *   next request renders them again;
 * - `mark-failed`: nothing can show or rebuild it (processing without an original, or ready without
 *   its original and some fixed sizes): marked `failed` with failure code INTERNAL and a reason;
 * - `none`: ready, every fixed size still serves, but the original is gone: nothing can rebuild it,
 *   and hiding a photo that shows would be worse. It stays a problem until the original is restored
 *   from a backup (or the post deleted).
 */
export type MissingRepair = 'reprocess' | 'drop-widths' | 'mark-failed' | 'none';

export interface MissingBlobs {
  mediaId: string;
  status: 'ready' | 'processing';
  /** Keys the row needs that the store does not have. */
  missing: string[];
  repair: MissingRepair;
  /** Whether `repair` was carried out (only with --repair; never for `none`). */
  repaired: boolean;
}

const FIXED = new Set(VARIANTS.flatMap((v) => OUTPUT_FORMATS.map((ext) => `${v}.${ext}`)));
const PAGE = 500;

export const LOST_BEFORE_PROCESSING = 'The uploaded original was lost before it was processed; upload the photo again.';
export const LOST_AFTER_READY = 'The stored original and some sizes of this photo were lost; upload it again.';

/**
 * The other direction of `walkBlobs`: rows whose blobs are missing. Every ready media item needs
 * its original and the derivatives its row lists; a processing one needs its original. The walk's
 * sets say where to look; each suspect is confirmed with a HEAD, so a row that became ready after
 * the walk passed its keys is not reported.
 */
export async function findMissingBlobs(
  deps: { db: Db; blobs: BlobStore; clock: Clock },
  walk: BlobWalk,
  repair: boolean,
): Promise<MissingBlobs[]> {
  const found: MissingBlobs[] = [];
  let after = '0';
  for (;;) {
    const rows = await deps.db.kysely
      .selectFrom('media')
      .select(['id', 'status', 'original_key', 'derivatives'])
      .where('status', 'in', ['ready', 'processing'])
      .where('id', '>', after)
      .orderBy('id', 'asc')
      .limit(PAGE)
      .execute();
    if (rows.length === 0) break;
    after = rows.at(-1)!.id;
    for (const row of rows) {
      const status = row.status as 'ready' | 'processing';
      const suspects: string[] = [];
      if (!walk.originalIds.has(row.id)) suspects.push(row.original_key);
      if (status === 'ready') {
        const files = walk.derivativeIds.has(row.id)
          ? (walk.unseenDerivatives.get(row.id) ?? [])
          : Object.keys(parseDerivatives(row));
        suspects.push(...files.map((file) => keyOf(row.id, file)));
      }
      const missing: string[] = [];
      for (const key of suspects) if ((await deps.blobs.head(key)) === null) missing.push(key);
      if (missing.length === 0) continue;
      const entry: MissingBlobs = {
        mediaId: row.id,
        status,
        missing,
        repair: decide(status, missing.includes(row.original_key), missing),
        repaired: false,
      };
      if (repair && entry.repair !== 'none') entry.repaired = await apply(deps, entry);
      found.push(entry);
    }
  }
  return found;
}

function keyOf(mediaId: string, file: string): string {
  const dot = file.lastIndexOf('.');
  return derivativeKey(mediaId, file.slice(0, dot), file.slice(dot + 1) as 'webp' | 'jpg');
}

const fileOf = (key: string) => key.slice(key.lastIndexOf('/') + 1);

function decide(status: 'ready' | 'processing', originalMissing: boolean, missing: string[]): MissingRepair {
  if (status === 'processing') return originalMissing ? 'mark-failed' : 'none';
  const fixedMissing = missing.some((key) => FIXED.has(fileOf(key)));
  if (originalMissing) return fixedMissing ? 'mark-failed' : 'none';
  return fixedMissing ? 'reprocess' : 'drop-widths';
}

/** Carries out one repair, only if the row is still as it was seen; true when it changed the row. */
async function apply(deps: { db: Db; clock: Clock }, entry: MissingBlobs): Promise<boolean> {
  const { db } = deps;
  const now = deps.clock.now().toISOString();
  if (entry.repair === 'mark-failed') {
    const result = await db.kysely
      .updateTable('media')
      .set({
        status: 'failed',
        failure_code: 'INTERNAL',
        failure_reason: entry.status === 'processing' ? LOST_BEFORE_PROCESSING : LOST_AFTER_READY,
        claimed_until: null,
        claimed_by: null,
        reprocess_requested_at: null,
        updated_at: now,
      })
      .where('id', '=', entry.mediaId)
      .where('status', '=', entry.status)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }
  if (entry.repair === 'reprocess') {
    const result = await db.kysely
      .updateTable('media')
      .set({ reprocess_requested_at: now, attempts: 0 })
      .where('id', '=', entry.mediaId)
      .where('status', '=', 'ready')
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }
  // drop-widths: under a row lock (Postgres) / the single writer (SQLite), like rendering a width.
  const gone = new Set(entry.missing.map(fileOf));
  return db.kysely.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('media')
      .select('derivatives')
      .where('id', '=', entry.mediaId)
      .$if(db.caps.supportsRowLocks, (qb) => qb.forUpdate())
      .executeTakeFirst();
    if (!current) return false;
    const kept = Object.fromEntries(Object.entries(parseDerivatives(current)).filter(([file]) => !gone.has(file)));
    await trx
      .updateTable('media')
      .set({ derivatives: JSON.stringify(kept) })
      .where('id', '=', entry.mediaId)
      .execute();
    return true;
  });
}
