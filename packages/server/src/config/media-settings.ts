/**
 * Uploads and image processing: the contract and defaults the config parses into and the module reads. It sits in
 * config/ because config is the lower layer: modules import it, never the other way round.
 */
export interface MediaSettings {
  /** Largest accepted upload (25 MiB). */
  maxBytes: number;
  /** Largest accepted image in pixels (50 MP), enforced before decoding. */
  maxPixels: number;
  /** Files up to this size go up in one PUT; larger ones in parts (16 MiB). */
  singleUploadMaxBytes: number;
  /** Part size of multipart uploads (8 MiB; S3 needs at least 5 MiB). */
  partSize: number;
  /** How long upload URLs stay valid (15 min). */
  uploadTtlSeconds: number;
  /** Uploads still pending after this long are aborted and their bytes removed (24 h). */
  abandonedUploadHours: number;
  /** Ready media no post or avatar uses is collected after this long (24 h). */
  unattachedMediaHours: number;
  /**
   * Blobs, temp files and multipart uploads no row accounts for are removed once this old (60 min):
   * anything younger may be a write in flight (a temp file being written, an original being copied
   * by a completeUpload, a derivative just rendered).
   */
  leftoverGraceMinutes: number;
  /**
   * Image work (processing uploads and on-demand `?w=` widths together) at once in this process
   * (1: a 2-core box keeps a core for reads).
   */
  concurrency: number;
  /** On-demand widths that may wait for a free slot; more are answered UNAVAILABLE with Retry-After. */
  renderQueue: number;
  /** Processing attempts before a media item is marked failed. */
  maxAttempts: number;
  /** Largest accepted video upload (512 MiB); photos keep `maxBytes`. */
  maxVideoBytes: number;
  /** Longest accepted video, in seconds (15 min). */
  maxVideoSeconds: number;
  /** Largest accepted long side of a video frame, in pixels (4096: DCI 4K). */
  maxVideoLongSide: number;
  /** Videos transcoded at once in this process, on their own queue (1). */
  videoConcurrency: number;
  /**
   * Uploads whose perceptual hash is this many bits or fewer (of 64) from a blocked hash are
   * refused (8; see docs/moderation.md for what it trades).
   */
  blocklistDistance: number;
}

export const DEFAULT_MEDIA_SETTINGS: MediaSettings = {
  maxBytes: 25 * 1024 * 1024,
  maxPixels: 50_000_000,
  singleUploadMaxBytes: 16 * 1024 * 1024,
  partSize: 8 * 1024 * 1024,
  uploadTtlSeconds: 15 * 60,
  abandonedUploadHours: 24,
  unattachedMediaHours: 24,
  leftoverGraceMinutes: 60,
  concurrency: 1,
  renderQueue: 16,
  maxAttempts: 3,
  maxVideoBytes: 512 * 1024 * 1024,
  maxVideoSeconds: 900,
  maxVideoLongSide: 4096,
  videoConcurrency: 1,
  blocklistDistance: 8,
};
