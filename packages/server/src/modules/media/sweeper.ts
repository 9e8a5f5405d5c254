import type { Db } from '../../db/connect.js';
import type { Clock } from '../../clock.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { derivativePrefix, originalKey } from './keys.js';
import { walkBlobs } from './orphan-scan.js';
import type { Logger } from '../../lib/logger.js';
import type { MediaSettings } from '../../config/media-settings.js';
import { collectLeftovers } from './storage-check.js';

const BATCH = 100;
/** How often a sweep also walks every blob for ones no row accounts for (and at the first sweep). */
export const ORPHAN_WALK_EVERY_MS = 6 * 3_600_000;

export interface SweepResult {
  abandonedUploads: number;
  collectedMedia: number;
  /** Open multipart uploads and disk scratch removed. */
  leftovers: number;
  /** Blobs no row accounted for, removed by the walk (0 when this sweep did not walk). */
  orphanBlobs: number;
}

/**
 * Garbage collection of media: uploads never completed (bytes and multipart state removed), media
 * nobody attached to a post or avatar within the grace period (row, then derivatives and original),
 * and what a crash leaves behind once older than `leftoverGraceMinutes`: open multipart uploads
 * nobody records, disk temp files (every sweep), and blobs no row accounts for (a walk over every
 * blob, every ORPHAN_WALK_EVERY_MS). Rows go before their blobs, so a crash in between leaves an
 * orphan blob the walk collects, never a row pointing at nothing. Safe to run in several processes
 * at once: every step is idempotent.
 */
export class MediaSweeper {
  private lastWalkAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly deps: { db: Db; blobs: BlobStore; clock: Clock; settings: MediaSettings; log: Logger },
  ) {}

  async sweep(): Promise<SweepResult> {
    const abandonedUploads = await this.abandonedUploads();
    const collectedMedia = await this.unattachedMedia();
    const now = this.deps.clock.now().getTime();
    const olderThan = new Date(now - this.deps.settings.leftoverGraceMinutes * 60_000);
    const { multipartUploads, scratch } = await collectLeftovers(this.deps, { olderThan, repair: true });
    let orphanBlobs = 0;
    if (now - this.lastWalkAt >= ORPHAN_WALK_EVERY_MS) {
      this.lastWalkAt = now;
      const walk = await walkBlobs(this.deps, { olderThan, repair: true });
      orphanBlobs = walk.originals.removed + walk.derivatives.removed + walk.staging.removed;
    }
    const leftovers = multipartUploads.removed + scratch.removed;
    if (leftovers + orphanBlobs > 0) this.deps.log.info({ leftovers, orphanBlobs }, 'removed crash leftovers');
    return { abandonedUploads, collectedMedia, leftovers, orphanBlobs };
  }

  private cutoff(hours: number): string {
    return new Date(this.deps.clock.now().getTime() - hours * 3_600_000).toISOString();
  }

  private async abandonedUploads(): Promise<number> {
    const { db, blobs } = this.deps;
    const stale = await db.kysely
      .selectFrom('uploads')
      .selectAll()
      .where('status', '=', 'pending')
      .where('created_at', '<', this.cutoff(this.deps.settings.abandonedUploadHours))
      .limit(BATCH)
      .execute();
    for (const upload of stale) {
      if (upload.blob_upload_id) await blobs.abortMultipart(upload.blob_key, upload.blob_upload_id);
      await blobs.delete(upload.blob_key);
      // The media row never became usable; dropping it drops the upload row with it (cascade).
      const dropped = await db.kysely
        .deleteFrom('media')
        .where('id', '=', upload.media_id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      // A crash between keeping the original and queueing it leaves the original of a pending row.
      if (dropped.numDeletedRows === 1n) await blobs.delete(originalKey(upload.media_id));
      await db.kysely.updateTable('uploads').set({ status: 'expired' }).where('id', '=', upload.id).execute();
    }
    // Finished uploads are kept a day so completing again stays idempotent; then their staging
    // key (a late PUT may have recreated it) and row go.
    const finished = await db.kysely
      .selectFrom('uploads')
      .select(['id', 'blob_key'])
      .where('status', 'in', ['completed', 'failed', 'expired'])
      .where('created_at', '<', this.cutoff(this.deps.settings.abandonedUploadHours))
      .limit(BATCH)
      .execute();
    for (const upload of finished) {
      await blobs.delete(upload.blob_key);
      await db.kysely.deleteFrom('uploads').where('id', '=', upload.id).execute();
    }
    return stale.length;
  }

  private async unattachedMedia(): Promise<number> {
    const { db, blobs, log } = this.deps;
    const orphans = await db.kysely
      .selectFrom('media')
      .select(['id', 'original_key'])
      .where('status', 'in', ['ready', 'failed'])
      .where('attached_at', 'is', null)
      // `updated_at`: when it became ready, or when the last post using it was deleted.
      .where('updated_at', '<', this.cutoff(this.deps.settings.unattachedMediaHours))
      .where((eb) =>
        eb.and([
          eb.not(
            eb.exists(eb.selectFrom('users').select('users.id').whereRef('users.avatar_media_id', '=', 'media.id')),
          ),
          eb.not(
            eb.exists(eb.selectFrom('post_media').select('post_id').whereRef('post_media.media_id', '=', 'media.id')),
          ),
        ]),
      )
      .limit(BATCH)
      .execute();
    let collected = 0;
    for (const media of orphans) {
      // Row first, and only if still unattached: a post attaching it meanwhile keeps it whole.
      const dropped = await db.kysely
        .deleteFrom('media')
        .where('id', '=', media.id)
        .where('attached_at', 'is', null)
        .executeTakeFirst()
        .catch((error: unknown) => {
          // A post or avatar took it between the query and the delete: it stays.
          if (db.caps.isForeignKeyViolation(error)) return { numDeletedRows: 0n };
          throw error;
        });
      if (dropped.numDeletedRows !== 1n) continue;
      collected++;
      for await (const blob of blobs.list(derivativePrefix(media.id))) await blobs.delete(blob.key);
      await blobs.delete(media.original_key);
    }
    if (collected > 0) log.info({ count: collected }, 'collected unattached media');
    return collected;
  }
}
