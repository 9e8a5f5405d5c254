import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connect.js';
import type { AccountDataSettings } from '../../config/account-data-settings.js';
import type { Logger } from '../../lib/logger.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { derivativePrefix } from '../media/keys.js';
import type { TextIndex } from '../posts/text-index.js';
import type { TagCounter } from '../tags/counter.js';
import {
  PURGE_BATCH,
  purgeCommentBatch,
  purgeFollowBatch,
  purgeLikeBatch,
  purgePostBatch,
  purgeRemainingRows,
} from './purge-rows.js';

export interface AccountPurgeDeps {
  db: Db;
  blobs: BlobStore;
  clock: Clock;
  log: Logger;
  settings: AccountDataSettings;
  textIndex: TextIndex;
  /** Public tag counts move by the posts removed, like a post deletion's. */
  tagCounter: TagCounter;
}

export interface PurgeResult {
  exportsExpired: number;
  accountsPurged: number;
  usernamesReleased: number;
}

/**
 * The background half of people's control over their data (docs/accounts.md), run with the sweep:
 * removes expired export archives; purges accounts whose deletion grace period has passed (every
 * post, media row and its files, comment, like, follow, block, mute, notification, timeline row,
 * tag use, session, hold and report of theirs, keeping the counters of others right), leaving a
 * tombstone row that reserves the username; and removes tombstones once that reservation ends.
 * Idempotent and restart-safe: each account's purge works from what is still there, files before
 * the rows that name them, so a crash half-way is finished by the next run.
 */
export class AccountPurge {
  private running: Promise<PurgeResult> | undefined;

  constructor(private readonly deps: AccountPurgeDeps) {}

  run(): Promise<PurgeResult> {
    this.running ??= this.runAll().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async runAll(): Promise<PurgeResult> {
    const exportsExpired = await this.expireExports();
    let accountsPurged = 0;
    for (const { id } of await this.due('purge_after')) {
      await this.purgeAccount(id);
      accountsPurged += 1;
    }
    let usernamesReleased = 0;
    for (const { id } of await this.due('release_username_after')) {
      // Everything else is gone already; the cascades take whatever a race added since.
      await this.deps.db.kysely.deleteFrom('users').where('id', '=', id).where('purged_at', 'is not', null).execute();
      usernamesReleased += 1;
    }
    if (accountsPurged + usernamesReleased + exportsExpired > 0) {
      this.deps.log.info({ exportsExpired, accountsPurged, usernamesReleased }, 'account data cleaned up');
    }
    return { exportsExpired, accountsPurged, usernamesReleased };
  }

  private due(column: 'purge_after' | 'release_username_after') {
    const now = this.deps.clock.now().toISOString();
    return this.deps.db.kysely
      .selectFrom('users')
      .select('id')
      .where(column, 'is not', null)
      .where(column, '<=', now)
      .$if(column === 'purge_after', (qb) => qb.where('deleted_at', 'is not', null))
      .orderBy('id')
      .limit(100)
      .execute();
  }

  /** Ready archives past their expiry: the file goes, the row stays as `expired` for `exportStatus`. */
  private async expireExports(): Promise<number> {
    const { db, blobs, clock } = this.deps;
    const now = clock.now().toISOString();
    const rows = await db.kysely
      .selectFrom('account_exports')
      .select(['id', 'blob_key'])
      .where('state', '=', 'ready')
      .where('expires_at', '<=', now)
      .execute();
    for (const row of rows) {
      if (row.blob_key !== null) await blobs.delete(row.blob_key);
      await db.kysely
        .updateTable('account_exports')
        .set({ state: 'expired', blob_key: null })
        .where('id', '=', row.id)
        .execute();
    }
    return rows.length;
  }

  private async purgeAccount(userId: string): Promise<void> {
    const { db, blobs, clock, textIndex, tagCounter } = this.deps;
    const kysely = db.kysely;
    const inBatches = async (batch: () => Promise<number>) => {
      while ((await batch()) > 0);
    };
    await inBatches(async () => {
      const { removed, tagDeltas } = await kysely
        .transaction()
        .execute((trx) => purgePostBatch(trx, textIndex, userId));
      for (const [tagId, delta] of tagDeltas) tagCounter.add(tagId, delta);
      return removed;
    });
    await inBatches(() => kysely.transaction().execute((trx) => purgeLikeBatch(trx, userId)));
    await inBatches(() => kysely.transaction().execute((trx) => purgeCommentBatch(trx, userId)));
    await inBatches(() => kysely.transaction().execute((trx) => purgeFollowBatch(trx, userId)));

    // Exports: the archive, then its row.
    for (const row of await kysely
      .selectFrom('account_exports')
      .select(['id', 'blob_key'])
      .where('user_id', '=', userId)
      .execute()) {
      await blobs.delete(`exports/${userId}/${row.id}.tar.gz`);
      if (row.blob_key !== null) await blobs.delete(row.blob_key);
      await kysely.deleteFrom('account_exports').where('id', '=', row.id).execute();
    }
    // Uploads in flight: their staged bytes and open multipart uploads.
    for (const upload of await kysely.selectFrom('uploads').selectAll().where('owner_id', '=', userId).execute()) {
      if (upload.blob_upload_id !== null) await blobs.abortMultipart(upload.blob_key, upload.blob_upload_id);
      await blobs.delete(upload.blob_key);
      await kysely.deleteFrom('uploads').where('id', '=', upload.id).execute();
    }
    // Media: the posts using it are gone; the original, every derivative and rendition, then the row.
    await kysely.updateTable('users').set({ avatar_media_id: null }).where('id', '=', userId).execute();
    for (;;) {
      const media = await kysely
        .selectFrom('media')
        .select(['id', 'original_key'])
        .where('owner_id', '=', userId)
        .limit(PURGE_BATCH)
        .execute();
      if (media.length === 0) break;
      for (const item of media) {
        for await (const blob of blobs.list(derivativePrefix(item.id))) await blobs.delete(blob.key);
        await blobs.delete(item.original_key);
        await kysely.deleteFrom('uploads').where('media_id', '=', item.id).execute();
        await kysely.deleteFrom('media').where('id', '=', item.id).execute();
      }
    }

    const now = clock.now();
    await kysely.transaction().execute(async (trx) => {
      const user = await trx
        .selectFrom('users')
        .select(['id', 'username_key', 'email_key'])
        .where('id', '=', userId)
        .executeTakeFirstOrThrow();
      await purgeRemainingRows(trx, user);
      // The tombstone: the username stays reserved; nothing else of the person is kept.
      await trx
        .updateTable('users')
        .set({
          email: '',
          email_key: `deleted:${userId}`,
          password_hash: '',
          display_name: '',
          bio: '',
          is_private: 1,
          follower_count: 0,
          following_count: 0,
          post_count: 0,
          last_write_lsn: null,
          timeline_rebuilt_at: null,
          purge_after: null,
          purged_at: now.toISOString(),
          release_username_after: new Date(now.getTime() + this.deps.settings.usernameHoldMs).toISOString(),
        })
        .where('id', '=', userId)
        .execute();
    });
  }
}
