import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connect.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { findMissingBlobs, type MissingBlobs } from './missing-blobs.js';
import { emptyCount, walkBlobs, type LeftoverCount, type WrongSize } from './orphan-scan.js';

export type { LeftoverCount, WrongSize } from './orphan-scan.js';
export type { MissingBlobs, MissingRepair } from './missing-blobs.js';

/** `aperture admin verify`: both directions between rows and blobs, on the configured store. */
export interface StorageReport {
  blobStore: 'disk' | 's3';
  /** Leftovers younger than this many minutes are not touched (they may be writes in flight). */
  graceMinutes: number;
  repair: boolean;
  /** Blobs no row accounts for, by kind. */
  orphans: {
    originals: LeftoverCount;
    derivatives: LeftoverCount;
    staging: LeftoverCount;
    multipartUploads: LeftoverCount;
    /** Disk temp files and half-made multipart folders (always 0 on S3). */
    scratch: LeftoverCount;
  };
  /** Keys outside Aperture's layout (`originals/`, `media/`, `uploads/`): reported, never removed. */
  foreignKeys: number;
  /** Some stale leftover keys, for a first look. */
  examples: string[];
  /** Rows whose blobs are missing, with what `--repair` does (or did) about each. */
  missing: MissingBlobs[];
  /**
   * Blobs of ready media whose size is not the one their row recorded (a damaged or truncated copy):
   * reported, never changed; restore them from a backup (or reprocess a derivative).
   */
  wrongSize: WrongSize[];
  /** Problems left: stale leftovers not removed, missing blobs not repaired, blobs of the wrong size. 0 means healthy. */
  problems: number;
}

export interface StorageCheckDeps {
  db: Db;
  blobs: BlobStore;
  clock: Clock;
}

/**
 * Open multipart uploads no pending upload row is using, and disk scratch, older than `olderThan`:
 * removed when `repair`. Cheap (one listing each), so the sweeper runs it every time.
 */
export async function collectLeftovers(
  deps: StorageCheckDeps,
  options: { olderThan: Date; repair: boolean },
): Promise<{ multipartUploads: LeftoverCount; scratch: LeftoverCount }> {
  const multipartUploads = emptyCount();
  for await (const upload of deps.blobs.listMultipartUploads()) {
    const owner = await deps.db.kysely
      .selectFrom('uploads')
      .select('id')
      .where('blob_upload_id', '=', upload.uploadId)
      .where('blob_key', '=', upload.key)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (owner) continue;
    if (upload.initiated >= options.olderThan) {
      multipartUploads.young++;
      continue;
    }
    multipartUploads.stale++;
    if (!options.repair) continue;
    await deps.blobs.abortMultipart(upload.key, upload.uploadId);
    multipartUploads.removed++;
  }
  const scratch = await deps.blobs.sweepScratch(options.olderThan, { dryRun: !options.repair });
  return { multipartUploads, scratch };
}

/** Both directions, every kind of leftover; repairs what it can when `repair` is set. */
export async function checkStorage(
  deps: StorageCheckDeps,
  options: { graceMinutes: number; repair: boolean },
): Promise<StorageReport> {
  const olderThan = new Date(deps.clock.now().getTime() - options.graceMinutes * 60_000);
  const walk = await walkBlobs(deps, { olderThan, repair: options.repair });
  const missing = await findMissingBlobs(deps, walk, options.repair);
  const { multipartUploads, scratch } = await collectLeftovers(deps, { olderThan, repair: options.repair });
  const orphans = {
    originals: walk.originals,
    derivatives: walk.derivatives,
    staging: walk.staging,
    multipartUploads,
    scratch,
  };
  const leftoverProblems = Object.values(orphans).reduce((sum, c) => sum + c.stale - c.removed, 0);
  return {
    blobStore: deps.blobs.kind,
    graceMinutes: options.graceMinutes,
    repair: options.repair,
    orphans,
    foreignKeys: walk.foreign,
    examples: walk.examples,
    missing,
    wrongSize: walk.wrongSize,
    problems: leftoverProblems + missing.filter((m) => !m.repaired).length + walk.wrongSize.length,
  };
}
