import type { RouterInputs, RouterOutputs } from '../types.js';

/**
 * A media item: its status, and once `ready` its size, placeholder and derivative URLs. A photo
 * or a video, told apart by `kind`: `if (m.kind === 'video') m.renditions['720p']`.
 */
export type MediaView = RouterOutputs['media']['get'];
/** A photo: `durationMs` and `progress` are null and `renditions` is empty. */
export type ImageMediaView = Extract<MediaView, { kind: 'image' }>;
/**
 * A video: `urls` are its poster frame's, `renditions` its MP4s by quality (`720p`, `360p`) once
 * ready, `progress` how far transcoding is (0–100), `durationMs` its length once probed.
 */
export type VideoMediaView = Extract<MediaView, { kind: 'video' }>;
/** What `media.createUpload` answers: a duplicate, or where to send the bytes (one PUT or parts). */
export type CreateUploadResult = RouterOutputs['media']['createUpload'];
/** What `media.uploadStatus` answers: the parts stored so far, and fresh targets for the rest. */
export type UploadStatusView = RouterOutputs['media']['uploadStatus'];
export type CreateUploadInput = RouterInputs['media']['createUpload'];

/** The image formats the server accepts. */
export type AcceptedImageType = 'image/jpeg' | 'image/png' | 'image/webp' | 'image/avif' | 'image/gif';
/** The video containers the server accepts. */
export type AcceptedVideoType = 'video/mp4' | 'video/quicktime' | 'video/webm' | 'video/x-matroska';
/** What the server accepts: images, and videos. */
export type AcceptedContentType = AcceptedImageType | AcceptedVideoType;

/**
 * What can be uploaded: a file path, bytes (a `Buffer` is a `Uint8Array`), a `Blob`, or a stream
 * of bytes (a Node `Readable` or any async iterable of chunks; read into memory, up to `maxBytes`).
 */
export type UploadInput = string | Uint8Array | Blob | AsyncIterable<Uint8Array>;

export type UploadPhase = 'hashing' | 'uploading' | 'processing' | 'done';

export interface UploadProgress {
  phase: UploadPhase;
  /**
   * Bytes handed to the network so far. A part that fails and is sent again is subtracted first,
   * so the number can step back; it never counts a byte twice. Stays 0 for a duplicate.
   */
  sentBytes: number;
  totalBytes: number;
  /**
   * How far the server is with the file, 0–100, while it says (a video being transcoded: reported
   * on each look at it in the `processing` phase); null for photos and before the first look.
   */
  processedPercent: number | null;
}

export interface UploadOptions {
  /** Called as the upload moves on: once per phase, and as bytes are sent. */
  onProgress?: ((progress: UploadProgress) => void) | undefined;
  /** Aborts every request of the upload; the promise rejects with a `NetworkError`. */
  signal?: AbortSignal | undefined;
  /** Keep the photo's GPS position (visible only to you unless you attach it to a post). */
  keepLocation?: boolean | undefined;
  /** Shown to you later; defaults to the file name of a path. */
  filename?: string | undefined;
  /** The format, when you know it; by default it is read from the file's first bytes. */
  contentType?: AcceptedContentType | undefined;
  /** Parts sent at once for a large file. Default 3. */
  concurrency?: number | undefined;
  /**
   * Refuse bigger images before sending anything. Default 25 MiB, the server's default; a server's
   * own limit is `(await client.instance.info()).limits.uploadBytes`.
   */
  maxBytes?: number | undefined;
  /**
   * Refuse bigger videos before sending anything. Default 512 MiB, the server's default; a
   * server's own limit is `(await client.instance.info()).limits.videoBytes`.
   */
  maxVideoBytes?: number | undefined;
}

/** Options of {@link MediaApi.waitUntilReady}. */
export interface WaitOptions {
  signal?: AbortSignal | undefined;
}
