import type { Db } from '../../db/connect.js';
import type { Wakeups } from '../../db/wakeups.js';
import type { MediaRow, UploadRow } from '../../db/schema.js';
import type { Clock } from '../../clock.js';
import { AppError } from '../../errors/app-error.js';
import type { IdGenerator } from '../../ids/snowflake.js';
import type { BlobStore, SignedTarget, StoredPart } from '../../storage/blob-store.js';
import type { FreeSpaceGuard } from '../../storage/free-space.js';
import type { Viewer } from '../accounts/types.js';
import { originalKey, stagingKey } from './keys.js';
import type { MediaReader } from './media-reader.js';
import type { CompleteUploadInput, CreateUploadInput } from './schemas.js';
import type { MediaSettings } from '../../config/media-settings.js';
import {
  ACCEPTED_CONTENT_TYPES,
  type CreateUploadResult,
  type MediaView,
  type UploadPartTarget,
  type UploadStatusView,
} from './types.js';
import { verifyAndKeep } from './verify-upload.js';
import { isErrorCode, type ErrorCode } from '../../errors/codes.js';
import { isVideoContentType } from './video/container.js';
import { probeStoredVideo } from './video/probe.js';
import type { VideoTools } from './video/tools.js';

/** Failures of the server, not of the file: the upload stays pending, and completing it again may succeed. */
const NOT_THE_FILES_FAULT: ReadonlySet<ErrorCode> = new Set(['UPLOAD_INCOMPLETE', 'VIDEO_TOOLS_UNAVAILABLE']);

export interface MediaServiceDeps {
  db: Db;
  blobs: BlobStore;
  ids: IdGenerator;
  clock: Clock;
  settings: MediaSettings;
  reader: MediaReader;
  /** Refuses new uploads while the volume they would land on is nearly full. */
  space: Pick<FreeSpaceGuard, 'assertRoom' | 'assertRoomFor'>;
  /** Tells this process's processor there is new work. */
  onMediaQueued: () => void;
  /** Tells the processors of other processes, in the transaction that queues the work. */
  wakeups: Wakeups;
  /** ffprobe/ffmpeg, which judge a video when its upload completes. */
  video: VideoTools;
  /** Where the video is copied for them to read (APERTURE_VIDEO_TEMP_DIR). */
  videoTempDir: string;
}

const targetView = (t: SignedTarget) => ({ method: t.method, url: t.url, headers: t.headers });

/**
 * What the media procedures do: the upload protocol — create (or dedupe) → client PUTs bytes →
 * complete (verify, queue processing) — and reading one media item.
 */
export class MediaService {
  constructor(private readonly deps: MediaServiceDeps) {}

  /** A media item, if the viewer may see it. */
  get(viewer: Viewer | null, id: string): Promise<MediaView> {
    return this.deps.reader.get(viewer?.userId ?? null, id);
  }

  async createUpload(viewer: Viewer, input: CreateUploadInput): Promise<CreateUploadResult> {
    const { db, blobs, ids, clock, settings, reader } = this.deps;
    const video = isVideoContentType(input.contentType);
    if (!video && !(ACCEPTED_CONTENT_TYPES as readonly string[]).includes(input.contentType)) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE');
    }
    if (input.size === 0) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'The file is empty, so it is not media.');
    const maxBytes = video ? settings.maxVideoBytes : settings.maxBytes;
    if (input.size > maxBytes) {
      throw new AppError('FILE_TOO_LARGE', `The file is larger than the ${maxBytes / 1024 / 1024} MiB limit.`);
    }
    // A server whose video tools do not run says so before a client sends a byte of a video.
    if (video) await this.deps.video.check();
    // Before anything is written: a client told now need not send megabytes that cannot be kept.
    await this.deps.space.assertRoom();
    const existing = await db.kysely
      .selectFrom('media')
      .selectAll()
      .where('owner_id', '=', viewer.userId)
      .where('sha256', '=', input.sha256)
      .where('status', '=', 'ready')
      .orderBy('id', 'asc')
      .executeTakeFirst();
    if (existing) {
      return { duplicate: true, mediaId: existing.id, media: await reader.present(existing, viewer.userId) };
    }

    const now = clock.now();
    const mediaId = ids.next();
    const uploadId = ids.next();
    const key = stagingKey(uploadId);
    const expiresAt = new Date(now.getTime() + settings.uploadTtlSeconds * 1000);
    const multipart = input.size > settings.singleUploadMaxBytes;
    const blobUploadId = multipart
      ? (await blobs.createMultipart(key, { contentType: input.contentType })).uploadId
      : null;

    await db.kysely.transaction().execute(async (trx) => {
      await trx
        .insertInto('media')
        .values({
          id: mediaId,
          owner_id: viewer.userId,
          status: 'pending',
          failure_code: null,
          failure_reason: null,
          sha256: input.sha256,
          size: input.size,
          content_type: input.contentType,
          filename: input.filename ?? null,
          original_key: originalKey(mediaId),
          keep_location: input.keepLocation ? 1 : 0,
          format: null,
          width: null,
          height: null,
          thumbhash: null,
          dominant_color: null,
          exif: null,
          gps_lat: null,
          gps_lng: null,
          derivatives: null,
          claimed_until: null,
          reprocess_requested_at: null,
          created_at: now.toISOString(),
          updated_at: now.toISOString(),
          ready_at: null,
          attached_at: null,
        })
        .execute();
      await trx
        .insertInto('uploads')
        .values({
          id: uploadId,
          media_id: mediaId,
          owner_id: viewer.userId,
          blob_key: key,
          mode: multipart ? 'multipart' : 'single',
          blob_upload_id: blobUploadId,
          part_size: multipart ? settings.partSize : input.size,
          size: input.size,
          status: 'pending',
          expires_at: expiresAt.toISOString(),
          created_at: now.toISOString(),
          completed_at: null,
        })
        .execute();
    });

    const base = { duplicate: false as const, uploadId, mediaId, expiresAt: expiresAt.toISOString() };
    if (!multipart) {
      const target = await blobs.signedUpload(key, this.signOptions(expiresAt, input.contentType));
      return { ...base, mode: 'single', target: targetView(target) };
    }
    const upload = await this.getUpload(viewer, uploadId);
    return { ...base, mode: 'multipart', partSize: settings.partSize, parts: await this.partTargets(upload, []) };
  }

  /** Which parts are durably stored, with fresh URLs for the rest: how a client resumes. */
  async uploadStatus(viewer: Viewer, uploadId: string): Promise<UploadStatusView> {
    const upload = await this.getUpload(viewer, uploadId);
    const status = this.effectiveStatus(upload);
    const stored = status === 'pending' ? await this.storedParts(upload) : [];
    const missing = status === 'pending' ? await this.partTargets(upload, stored) : [];
    return {
      uploadId: upload.id,
      mediaId: upload.media_id,
      status,
      mode: upload.mode,
      expiresAt: upload.expires_at,
      storedParts: stored.map((p) => ({ partNumber: p.partNumber, size: p.size, etag: p.etag })),
      missing,
    };
  }

  /**
   * Verify what was stored and queue it for processing. Idempotent: completing a completed upload
   * returns its media; a failed one answers with the error it failed with.
   */
  async completeUpload(viewer: Viewer, input: CompleteUploadInput): Promise<MediaView> {
    const { db, blobs, clock, reader } = this.deps;
    const upload = await this.getUpload(viewer, input.uploadId);
    const status = this.effectiveStatus(upload);
    if (status === 'completed') return reader.present(await reader.row(upload.media_id), viewer.userId);
    if (status === 'expired') throw new AppError('UPLOAD_EXPIRED');
    const media = await reader.row(upload.media_id);
    if (status === 'failed') {
      const code = isErrorCode(media.failure_code) ? media.failure_code : 'CONFLICT';
      throw new AppError(code, media.failure_reason ?? undefined);
    }

    if (upload.mode === 'multipart') await this.assembleParts(upload, input.parts);
    const video = isVideoContentType(media.content_type);
    const expected = { size: upload.size, sha256: media.sha256, kind: video ? ('video' as const) : ('image' as const) };
    try {
      await verifyAndKeep(blobs, upload.blob_key, media.original_key, expected);
      if (video) {
        const { maxVideoSeconds: maxSeconds, maxVideoLongSide: maxLongSide } = this.deps.settings;
        const scratch = { dir: this.deps.videoTempDir, space: this.deps.space };
        await probeStoredVideo(
          { tools: this.deps.video, blobs, scratch },
          { key: media.original_key, size: upload.size },
          { maxSeconds, maxLongSide },
        );
      }
    } catch (error) {
      if (error instanceof AppError && !NOT_THE_FILES_FAULT.has(error.code)) await this.fail(upload, error);
      throw error;
    }

    const now = clock.now().toISOString();
    await db.kysely.transaction().execute(async (trx) => {
      const claimed = await trx
        .updateTable('uploads')
        .set({ status: 'completed', completed_at: now })
        .where('id', '=', upload.id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      // A concurrent complete won the race: it queued the media already.
      if (claimed.numUpdatedRows === 0n) return;
      await trx
        .updateTable('media')
        .set({ status: 'processing', updated_at: now })
        .where('id', '=', upload.media_id)
        .where('status', '=', 'pending')
        .execute();
      await this.deps.wakeups.notify(trx, 'media');
    });
    // Only now: had the transaction failed (a dropped connection), a retry must find the bytes
    // staged still. A delete that fails is retried by the sweeper with the finished upload.
    await blobs.delete(upload.blob_key).catch(() => undefined);
    this.deps.onMediaQueued();
    return reader.present(await reader.row(upload.media_id), viewer.userId);
  }

  private async assembleParts(upload: UploadRow, given: CompleteUploadInput['parts']): Promise<void> {
    const stored = await this.storedParts(upload);
    const expectedCount = Math.ceil(upload.size / upload.part_size);
    const byNumber = new Map(stored.map((p) => [p.partNumber, p]));
    const missing = [];
    for (let n = 1; n <= expectedCount; n++) if (!byNumber.has(n)) missing.push(n);
    if (missing.length > 0) {
      throw new AppError('UPLOAD_INCOMPLETE', `Parts not uploaded yet: ${missing.slice(0, 20).join(', ')}.`);
    }
    // The client's etags, when given, must match what the store holds: a stale part re-sent
    // elsewhere would otherwise be assembled silently.
    for (const part of given ?? []) {
      if (byNumber.get(part.partNumber)?.etag !== part.etag.replaceAll('"', '')) {
        throw new AppError(
          'UPLOAD_INCOMPLETE',
          `Part ${part.partNumber} does not match what was stored; send it again.`,
        );
      }
    }
    const parts = stored.filter((p) => p.partNumber <= expectedCount);
    await this.deps.blobs.completeMultipart(upload.blob_key, upload.blob_upload_id!, parts);
  }

  /** Marks the upload and its media failed and deletes the stored bytes: nothing bad is kept. */
  private async fail(upload: UploadRow, error: AppError): Promise<void> {
    const now = this.deps.clock.now().toISOString();
    await this.deps.blobs.delete(upload.blob_key);
    await this.deps.blobs.delete(originalKey(upload.media_id));
    await this.deps.db.kysely.transaction().execute(async (trx) => {
      await trx
        .updateTable('uploads')
        .set({ status: 'failed', completed_at: now })
        .where('id', '=', upload.id)
        .execute();
      await trx
        .updateTable('media')
        .set({ status: 'failed', failure_code: error.code, failure_reason: error.message, updated_at: now })
        .where('id', '=', upload.media_id)
        .execute();
    });
  }

  private effectiveStatus(upload: UploadRow): UploadStatusView['status'] {
    if (upload.status === 'pending' && upload.expires_at <= this.deps.clock.now().toISOString()) return 'expired';
    return upload.status;
  }

  private async storedParts(upload: UploadRow): Promise<StoredPart[]> {
    if (upload.mode === 'multipart') return this.deps.blobs.listParts(upload.blob_key, upload.blob_upload_id!);
    const head = await this.deps.blobs.head(upload.blob_key);
    return head ? [{ partNumber: 1, size: head.size, etag: head.etag }] : [];
  }

  private async partTargets(upload: UploadRow, stored: StoredPart[]): Promise<UploadPartTarget[]> {
    const { blobs } = this.deps;
    const media = await this.deps.reader.row(upload.media_id);
    const options = this.signOptions(new Date(upload.expires_at), media.content_type);
    const count = upload.mode === 'multipart' ? Math.ceil(upload.size / upload.part_size) : 1;
    const have = new Map(stored.map((p) => [p.partNumber, p.size]));
    const targets: UploadPartTarget[] = [];
    for (let n = 1; n <= count; n++) {
      const size = Math.min(upload.part_size, upload.size - (n - 1) * upload.part_size);
      if (have.get(n) === size) continue;
      const target =
        upload.mode === 'multipart'
          ? await blobs.signedPart(upload.blob_key, upload.blob_upload_id!, n, options)
          : await blobs.signedUpload(upload.blob_key, options);
      targets.push({ partNumber: n, size, ...targetView(target) });
    }
    return targets;
  }

  private signOptions(expiresAt: Date, contentType: string) {
    const seconds = Math.max(1, Math.floor((expiresAt.getTime() - this.deps.clock.now().getTime()) / 1000));
    return { expiresInSeconds: seconds, contentType };
  }

  private async getUpload(viewer: Viewer, uploadId: string): Promise<UploadRow> {
    const upload = await this.deps.db.kysely
      .selectFrom('uploads')
      .selectAll()
      .where('id', '=', uploadId)
      .where('owner_id', '=', viewer.userId)
      .executeTakeFirst();
    if (!upload) throw new AppError('NOT_FOUND', 'No such upload.');
    return upload;
  }
}

export type { MediaRow };
