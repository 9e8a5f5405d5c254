import type { ExpressionBuilder } from 'kysely';
import type { Clock } from '../../../clock.js';
import type { MediaSettings } from '../../../config/media-settings.js';
import type { Db } from '../../../db/connect.js';
import type { Database, MediaRow } from '../../../db/schema.js';
import type { Wakeups } from '../../../db/wakeups.js';
import { AppError } from '../../../errors/app-error.js';
import { infrastructureFault } from '../../../errors/infrastructure-faults.js';
import type { Outbox } from '../../../events/outbox.js';
import { LEASE_MS, anonymousHolderName } from '../../../lib/lease.js';
import { LeasedWorker } from '../../../lib/leased-worker.js';
import type { Logger } from '../../../lib/logger.js';
import type { WorkLimiter } from '../../../lib/work-limiter.js';
import type { BlobStore } from '../../../storage/blob-store.js';
import { VIDEO_CONTENT_TYPES } from './container.js';
import { renderVideo } from './render.js';
import type { ImagePipeline } from '../pipeline-thread.js';
import type { VideoScratch } from './scratch.js';
import type { VideoTools } from './tools.js';
import type { MediaScreen } from '../screen.js';

const POLL_MS = 2_000;
/** Progress is written at most this often: a row update per ffmpeg report would be one per half second. */
const PROGRESS_EVERY_MS = 1_000;
const OUTAGE_RETRY_MS = 30_000;

export interface VideoProcessorDeps {
  db: Db;
  blobs: BlobStore;
  clock: Clock;
  settings: MediaSettings;
  log: Logger;
  outbox: Outbox;
  tools: VideoTools;
  /** The poster goes through the photo pipeline, in a slot of the image work it shares. */
  imageWork: WorkLimiter;
  /** Where the poster's processImage runs (default: this thread). */
  pipeline?: ImagePipeline;
  /** Where the original and its renditions are written while they are made, and its floor. */
  scratch: VideoScratch;
  /** Transcodes at once in this process (APERTURE_VIDEO_CONCURRENCY). */
  concurrency: number;
  leaseHolder?: string;
  leaseMs?: number;
  heartbeatMs?: number;
  pollMs?: number;
  wakeups?: Wakeups;
  /** The content rules a new video's poster frame must pass (default: none). */
  screen?: MediaScreen;
}

/** Queued videos, and ready ones an operator asked to rebuild. Photos are the photo processor's. */
const needsWork = (eb: ExpressionBuilder<Database, 'media'>) =>
  eb.and([
    eb('content_type', 'in', [...VIDEO_CONTENT_TYPES]),
    eb.or([
      eb('status', '=', 'processing'),
      eb.and([eb('status', '=', 'ready'), eb('reprocess_requested_at', 'is not', null)]),
    ]),
  ]);

/**
 * The video queue, apart from the photos': transcodes take minutes, and must not hold up photos.
 * Claimed under the same renewed leases as photos (`media.claimed_by`/`claimed_until`), so a
 * process killed mid-transcode loses only that attempt: its files are listed nowhere until the row
 * records them, and the next claim starts the video again.
 */
export class VideoProcessor {
  private readonly holder: string;
  private readonly leaseMs: number;
  private readonly worker: LeasedWorker<MediaRow>;
  private unlisten: (() => void) | undefined;

  constructor(private readonly deps: VideoProcessorDeps) {
    this.holder = deps.leaseHolder ?? anonymousHolderName();
    this.leaseMs = deps.leaseMs ?? LEASE_MS;
    this.worker = new LeasedWorker({
      name: 'video processor',
      work: {
        claim: () => this.claim(),
        renew: (row) => this.renew(row.id),
        run: (row, lease) => this.process(row, lease),
        describe: (row) => `video ${row.id}`,
        logFields: (row) => ({ mediaId: row.id }),
      },
      log: deps.log,
      pollMs: deps.pollMs ?? POLL_MS,
      concurrency: deps.concurrency,
      ...(deps.heartbeatMs !== undefined ? { heartbeatMs: deps.heartbeatMs } : {}),
      stepFailedMessage: 'video processor: claim failed',
    });
  }

  start(): void {
    this.unlisten ??= this.deps.wakeups?.listen('media', () => this.kick());
    this.worker.start();
  }

  kick(): void {
    this.worker.kick();
  }

  stop(): Promise<void> {
    this.unlisten?.();
    this.unlisten = undefined;
    return this.worker.stop();
  }

  /** Claim and process one video; false when there was nothing to claim. For tests. */
  async processNext(): Promise<boolean> {
    return (await this.worker.runOnce()) !== undefined;
  }

  private async renew(mediaId: string): Promise<boolean> {
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
    const free = (eb: ExpressionBuilder<Database, 'media'>) =>
      eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now.toISOString())]);
    const candidates = await db.kysely
      .selectFrom('media')
      .select('id')
      .where(needsWork)
      .where(free)
      .orderBy('id', 'asc')
      .limit(5)
      .execute();
    for (const { id } of candidates) {
      const result = await db.kysely
        .updateTable('media')
        .set((eb) => ({
          claimed_until: new Date(now.getTime() + this.leaseMs).toISOString(),
          claimed_by: this.holder,
          attempts: eb('attempts', '+', 1),
          progress: 0,
        }))
        .where('id', '=', id)
        .where(needsWork)
        .where(free)
        .executeTakeFirst();
      if (result.numUpdatedRows === 1n) {
        return db.kysely.selectFrom('media').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      }
    }
    return undefined;
  }

  private async process(row: MediaRow, lease: AbortSignal): Promise<void> {
    const { db, blobs, clock, settings, log, outbox } = this.deps;
    let lastWrite = 0;
    const onProgress = (percent: number) => {
      if (Date.now() - lastWrite < PROGRESS_EVERY_MS) return;
      lastWrite = Date.now();
      void db.kysely
        .updateTable('media')
        .set({ progress: percent })
        .where('id', '=', row.id)
        .where('claimed_by', '=', this.holder)
        .execute()
        .catch((err: unknown) => log.error({ err, mediaId: row.id }, 'video progress not written'));
    };
    try {
      const deps = {
        tools: this.deps.tools,
        blobs,
        settings,
        imageWork: this.deps.imageWork,
        pipeline: this.deps.pipeline,
        scratch: this.deps.scratch,
        // A rebuild of a ready video is not screened again, as for photos (see MediaProcessor).
        admits:
          row.status === 'ready' || !this.deps.screen
            ? undefined
            : (hash: string) => this.deps.screen!.admits({ id: row.id, ownerId: row.owner_id }, hash),
      };
      const { facts, derivatives, poster } = await renderVideo(deps, row, onProgress, lease);
      const keepLocation = row.keep_location === 1 && facts.location !== null;
      const now = clock.now().toISOString();
      const kept = await outbox.write(async (trx, emit) => {
        const updated = await trx
          .updateTable('media')
          .set({
            status: 'ready',
            format: facts.container,
            width: facts.width,
            height: facts.height,
            thumbhash: poster.thumbhash,
            dominant_color: poster.dominantColor,
            perceptual_hash: poster.perceptualHash,
            exif: null,
            gps_lat: keepLocation ? facts.location!.lat : null,
            gps_lng: keepLocation ? facts.location!.lng : null,
            derivatives: JSON.stringify(derivatives),
            duration_ms: facts.durationMs,
            fps: facts.fps,
            video_codec: facts.videoCodec,
            audio_codec: facts.audioCodec,
            has_audio: facts.audioCodec === null ? 0 : 1,
            progress: 100,
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
        if (row.status !== 'ready') await emit({ type: 'media.ready', mediaId: row.id, ownerId: row.owner_id });
        return true;
      });
      log.info({ mediaId: row.id }, kept ? 'video ready' : 'video processed, but another process holds it now');
    } catch (error) {
      if (lease.aborted) return;
      await this.failed(row, error);
    }
  }

  /** A file the rules refuse fails at once; a stop or an outage waits; anything else is retried, then fails. */
  private async failed(row: MediaRow, error: unknown): Promise<void> {
    const { db, clock, settings, log } = this.deps;
    const stopped = error instanceof AppError && error.code === 'VIDEO_TOOLS_UNAVAILABLE';
    const rejected = error instanceof AppError && !stopped;
    const outage = stopped || (!rejected && infrastructureFault(error) !== undefined);
    const giveUp = !outage && (rejected || row.attempts >= settings.maxAttempts);
    if (!rejected) log.error({ err: error, mediaId: row.id, attempt: row.attempts }, 'video processing failed');
    const now = clock.now();
    const release = { claimed_by: null, progress: null };
    const update =
      row.status === 'ready' && giveUp
        ? // A rebuild failed: the files it was replacing are still listed and served.
          { ...release, reprocess_requested_at: null, claimed_until: null, progress: 100 }
        : giveUp
          ? {
              ...release,
              status: 'failed' as const,
              failure_code: rejected ? error.code : 'INTERNAL',
              failure_reason: rejected ? error.message : 'Processing failed repeatedly.',
              claimed_until: null,
              updated_at: now.toISOString(),
            }
          : outage
            ? {
                ...release,
                claimed_until: new Date(now.getTime() + (stopped ? 0 : OUTAGE_RETRY_MS)).toISOString(),
                attempts: row.attempts - 1,
              }
            : { ...release, claimed_until: new Date(now.getTime() + 5_000 * 2 ** row.attempts).toISOString() };
    await db.kysely
      .updateTable('media')
      .set(update)
      .where('id', '=', row.id)
      .where('claimed_by', '=', this.holder)
      .execute();
  }
}
