import { createHash } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import type { Db } from '../../db/connect.js';
import type { Wakeups } from '../../db/wakeups.js';
import type { ExpressionBuilder } from 'kysely';
import type { Database, MediaRow } from '../../db/schema.js';
import type { Clock } from '../../clock.js';
import type { Outbox } from '../../events/outbox.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { derivativeKey } from './keys.js';
import { ImageRejectedError } from './pipeline/index.js';
import { IN_THIS_THREAD, type ImagePipeline } from './pipeline-thread.js';
import type { DerivativeMap } from './presenter.js';
import type { MediaSettings } from '../../config/media-settings.js';
import type { WorkLimiter } from '../../lib/work-limiter.js';
import { infrastructureFault } from '../../errors/infrastructure-faults.js';
import { LEASE_MS, anonymousHolderName } from '../../lib/lease.js';
import { LeasedWorker } from '../../lib/leased-worker.js';
import type { Logger } from '../../lib/logger.js';
import { VIDEO_CONTENT_TYPES } from './video/container.js';
import { ADMIT_ALL, BLOCKED_MESSAGE, type MediaScreen } from './screen.js';
/** How often idle workers look for work queued by other processes, unless told otherwise. */
const POLL_MS = 2_000;
/** How soon an item is tried again after the disk was full or a store unreachable. */
const OUTAGE_RETRY_MS = 30_000;

export interface MediaProcessorDeps {
  db: Db;
  blobs: BlobStore;
  clock: Clock;
  settings: MediaSettings;
  log: Logger;
  /** Where `media.ready` is recorded, with the row that becomes ready. */
  outbox: Outbox;
  /** Shared with on-demand width renders: decoding an upload waits for a slot like they do. */
  imageWork: WorkLimiter;
  /** Where processImage runs (default: this thread; the server gives its pipeline thread). */
  pipeline?: ImagePipeline;
  /** This process's name in `media.claimed_by` (default: a random one). */
  leaseHolder?: string;
  /** Test seams: the lease length and how often it is renewed (default LEASE_MS, HEARTBEAT_MS). */
  leaseMs?: number;
  heartbeatMs?: number;
  /**
   * How often idle workers look for work queued by other processes (default 2 s). Slow where
   * those processes' wake-ups reach this one (Postgres): the poll is then only a safety net.
   */
  pollMs?: number;
  /** While started, a `media` wake-up from another process makes idle workers look at once. */
  wakeups?: Wakeups;
  /** The content rules a new upload's pixels must pass (default: none). */
  screen?: MediaScreen;
}

/**
 * Queued uploads, and ready media an operator asked to rebuild (which keep serving meanwhile).
 * Photos only: videos wait for the video worker, which has its own queue.
 */
const needsWork = (eb: ExpressionBuilder<Database, 'media'>) =>
  eb.and([
    eb('content_type', 'not in', [...VIDEO_CONTENT_TYPES]),
    eb.or([
      eb('status', '=', 'processing'),
      eb.and([eb('status', '=', 'ready'), eb('reprocess_requested_at', 'is not', null)]),
    ]),
  ]);

/** Strong ETag of derivative bytes: content-addressed, so caches can trust it forever. */
export function contentEtag(data: Buffer): string {
  return createHash('sha256').update(data).digest('base64url').slice(0, 27);
}

/**
 * Turns queued media (status `processing`) into derivatives, off the request path, with bounded
 * concurrency. Work is claimed from the database with a short lease naming this process, renewed
 * while the image is processed, so any number of processes can share it and a crash mid-image
 * delays that image by one lease at most (not at all when the process restarts with its pinned
 * node id: it releases its own leases first).
 */
export class MediaProcessor {
  private readonly holder: string;
  private readonly leaseMs: number;
  private readonly worker: LeasedWorker<MediaRow>;
  private unlisten: (() => void) | undefined;

  constructor(private readonly deps: MediaProcessorDeps) {
    this.holder = deps.leaseHolder ?? anonymousHolderName();
    this.leaseMs = deps.leaseMs ?? LEASE_MS;
    this.worker = new LeasedWorker({
      name: 'media processor',
      work: {
        claim: () => this.claim(),
        renew: (row) => this.renewLease(row.id),
        run: (row, lease) => this.process(row, lease),
        describe: (row) => `media ${row.id}`,
        logFields: (row) => ({ mediaId: row.id }),
      },
      log: deps.log,
      pollMs: deps.pollMs ?? POLL_MS,
      concurrency: deps.settings.concurrency,
      ...(deps.heartbeatMs !== undefined ? { heartbeatMs: deps.heartbeatMs } : {}),
      stepFailedMessage: 'media processor: claim failed',
    });
  }

  /**
   * Frees every item this process's holder name still claims. After stop(), nothing of this
   * process works on them any more; so does a test standing for a restarted process.
   */
  async releaseOwnLeases(): Promise<number> {
    const result = await this.deps.db.kysely
      .updateTable('media')
      .set({ claimed_until: null, claimed_by: null })
      .where('claimed_by', '=', this.holder)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /**
   * Frees items claimed by earlier holders named by `patterns` (SQL LIKE): what a dead
   * predecessor was processing, picked up at once instead of when its lease lapses. Never this
   * process's own.
   */
  async releaseLeasesOf(patterns: readonly string[]): Promise<number> {
    if (patterns.length === 0) return 0;
    const result = await this.deps.db.kysely
      .updateTable('media')
      .set({ claimed_until: null, claimed_by: null })
      .where((eb) => eb.or(patterns.map((pattern) => eb('claimed_by', 'like', pattern))))
      .where('claimed_by', '<>', this.holder)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Start one worker loop per slot of APERTURE_MEDIA_CONCURRENCY. */
  start(): void {
    this.unlisten ??= this.deps.wakeups?.listen('media', () => this.kick());
    this.worker.start();
  }

  /** New work was queued in this process: look now instead of at the next poll. */
  kick(): void {
    this.worker.kick();
  }

  /** Stop looking for work; resolves once the images in flight are finished. */
  stop(): Promise<void> {
    this.unlisten?.();
    this.unlisten = undefined;
    return this.worker.stop();
  }

  /** Claim and process one item; false when there was nothing to claim. Used by workers and tests. */
  async processNext(): Promise<boolean> {
    return (await this.worker.runOnce()) !== undefined;
  }

  /** True while this process still holds the item; false once another process has claimed it. */
  private async renewLease(mediaId: string): Promise<boolean> {
    const result = await this.deps.db.kysely
      .updateTable('media')
      .set({ claimed_until: new Date(this.deps.clock.now().getTime() + this.leaseMs).toISOString() })
      .where('id', '=', mediaId)
      .where('claimed_by', '=', this.holder)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  private async claim(): Promise<MediaRow | undefined> {
    const { db, clock } = this.deps;
    const now = clock.now();
    const candidates = await db.kysely
      .selectFrom('media')
      .select('id')
      .where(needsWork)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now.toISOString())]))
      .orderBy('id', 'asc')
      .limit(5)
      .execute();
    for (const { id } of candidates) {
      // Optimistic claim: only one process's UPDATE matches the unclaimed row.
      const result = await db.kysely
        .updateTable('media')
        .set((eb) => ({
          claimed_until: new Date(now.getTime() + this.leaseMs).toISOString(),
          claimed_by: this.holder,
          attempts: eb('attempts', '+', 1),
        }))
        .where('id', '=', id)
        .where(needsWork)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now.toISOString())]))
        .executeTakeFirst();
      if (result.numUpdatedRows === 1n) {
        return db.kysely.selectFrom('media').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      }
    }
    return undefined;
  }

  /**
   * `lease` is aborted when a renewal finds another process holding the item (this one stalled past
   * its lease). Derivatives are a pure function of the original, so a late duplicate write stores the
   * same bytes; the row is written only while the lease is still this process's.
   */
  private async process(row: MediaRow, lease: AbortSignal): Promise<void> {
    const { db, blobs, clock, settings, log, outbox } = this.deps;
    try {
      const original = await buffer((await blobs.get(row.original_key)).body);
      const pipeline = this.deps.pipeline ?? IN_THIS_THREAD;
      const image = await this.deps.imageWork.run(() =>
        pipeline.process(original, {
          keepLocation: row.keep_location === 1,
          maxPixels: settings.maxPixels,
          maxBytes: settings.maxBytes,
        }),
      );
      lease.throwIfAborted();
      // Before anything is stored. A rebuild of ready media is not screened again: its posts exist,
      // and adding an entry is what acts on existing media (it records the hash a match needs).
      // A picture too plain to hash has nothing to match.
      const screen = this.deps.screen ?? ADMIT_ALL;
      const hash = image.perceptualHash;
      if (row.status !== 'ready' && hash && !(await screen.admits({ id: row.id, ownerId: row.owner_id }, hash))) {
        throw new ImageRejectedError('MEDIA_BLOCKED', BLOCKED_MESSAGE);
      }
      const derivatives: DerivativeMap = {};
      await Promise.all(
        image.derivatives.map(async (d) => {
          await blobs.put(derivativeKey(row.id, d.variant, d.format), d.data, { contentType: d.contentType });
          derivatives[`${d.variant}.${d.format}`] = {
            width: d.width,
            height: d.height,
            size: d.data.length,
            etag: contentEtag(d.data),
          };
        }),
      );
      const now = clock.now().toISOString();
      const kept = await outbox.write(async (trx, emit) => {
        const updated = await trx
          .updateTable('media')
          .set({
            status: 'ready',
            format: image.format,
            width: image.width,
            height: image.height,
            thumbhash: image.thumbhash,
            dominant_color: image.dominantColor,
            perceptual_hash: image.perceptualHash,
            exif: image.exif ? JSON.stringify(image.exif) : null,
            gps_lat: row.keep_location === 1 ? (image.gps?.lat ?? null) : null,
            gps_lng: row.keep_location === 1 ? (image.gps?.lng ?? null) : null,
            derivatives: JSON.stringify(derivatives),
            claimed_until: null,
            claimed_by: null,
            reprocess_requested_at: null,
            failure_code: null,
            failure_reason: null,
            ready_at: now,
            updated_at: now,
          })
          .where('id', '=', row.id)
          .where('claimed_by', '=', this.holder)
          .executeTakeFirst();
        if (updated.numUpdatedRows !== 1n) return false;
        // A rebuild of ready media is not news: only the first time it becomes ready.
        if (row.status !== 'ready') {
          await emit({ type: 'media.ready', mediaId: row.id, ownerId: row.owner_id });
        }
        return true;
      });
      if (!kept) {
        log.info({ mediaId: row.id }, 'media processed, but another process holds it now: its result stands');
        return;
      }
      log.info({ mediaId: row.id }, 'media ready');
    } catch (error) {
      if (lease.aborted) {
        log.info({ mediaId: row.id }, 'media processing stopped: another process took the item over');
        return;
      }
      const rejected = error instanceof ImageRejectedError;
      // A full disk or an unreachable store says nothing about the image: wait it out without
      // spending an attempt, or every photo accepted during an outage would end up failed.
      const outage = !rejected && infrastructureFault(error) !== undefined;
      const giveUp = !outage && (rejected || row.attempts >= settings.maxAttempts);
      if (!rejected) log.error({ err: error, mediaId: row.id, attempt: row.attempts }, 'media processing failed');
      const now = clock.now();
      if (row.status === 'ready' && giveUp) {
        // A rebuild failed: the derivatives it was replacing are still there and still served.
        await db.kysely
          .updateTable('media')
          .set({ reprocess_requested_at: null, claimed_until: null, claimed_by: null })
          .where('id', '=', row.id)
          .where('claimed_by', '=', this.holder)
          .execute();
        return;
      }
      await db.kysely
        .updateTable('media')
        .set(
          giveUp
            ? {
                status: 'failed',
                failure_code: rejected ? error.code : 'INTERNAL',
                failure_reason: rejected ? error.message : 'Processing failed repeatedly.',
                claimed_until: null,
                claimed_by: null,
                updated_at: now.toISOString(),
              }
            : outage
              ? {
                  claimed_until: new Date(now.getTime() + OUTAGE_RETRY_MS).toISOString(),
                  attempts: row.attempts - 1,
                  claimed_by: null,
                }
              : // Retry later, backing off by attempt, instead of hammering a failing store.
                { claimed_until: new Date(now.getTime() + 5_000 * 2 ** row.attempts).toISOString(), claimed_by: null },
        )
        .where('id', '=', row.id)
        .where('claimed_by', '=', this.holder)
        .execute();
    }
  }
}
