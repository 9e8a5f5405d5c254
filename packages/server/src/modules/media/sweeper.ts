import type { Db } from '../../db/connect.js';
import type { Clock } from '../../clock.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { derivativePrefix, originalKey } from './keys.js';
import type { ProcessorLog } from './processor.js';
import type { MediaSettings } from './settings.js';

const BATCH = 100;

export interface SweepResult {
  abandonedUploads: number;
  collectedMedia: number;
}

/**
 * Garbage collection of media: uploads never completed (bytes and multipart state removed), and
 * media nobody attached to a post or avatar within the grace period (derivatives, original, row).
 * Safe to run in several processes at once: every step is idempotent.
 */
export class MediaSweeper {
  constructor(
    private readonly deps: { db: Db; blobs: BlobStore; clock: Clock; settings: MediaSettings; log: ProcessorLog },
  ) {}

  async sweep(): Promise<SweepResult> {
    return { abandonedUploads: await this.abandonedUploads(), collectedMedia: await this.unattachedMedia() };
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
      // A complete whose database write failed may have copied the original already.
      await blobs.delete(originalKey(upload.media_id));
      // The media row never became usable; dropping it drops the upload row with it (cascade).
      await db.kysely.deleteFrom('media').where('id', '=', upload.media_id).where('status', '=', 'pending').execute();
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
    for (const media of orphans) {
      for await (const blob of blobs.list(derivativePrefix(media.id))) await blobs.delete(blob.key);
      await blobs.delete(media.original_key);
      await db.kysely.deleteFrom('media').where('id', '=', media.id).where('attached_at', 'is', null).execute();
    }
    if (orphans.length > 0) log.info({ count: orphans.length }, 'collected unattached media');
    return orphans.length;
  }
}
