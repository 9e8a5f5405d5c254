/** Public shapes of the media module, as they travel on the wire. */

export type MediaStatus = 'pending' | 'processing' | 'ready' | 'failed';

/** Fixed derivatives every ready image has. `thumb` is a 150×150 centre crop; the others are widths. */
export const VARIANTS = ['thumb', 'w320', 'w640', 'w1080'] as const;
export type Variant = (typeof VARIANTS)[number];
export const OUTPUT_FORMATS = ['webp', 'jpg'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Accepted upload types (HEIC is not: the bundled libvips cannot decode HEVC). */
export const ACCEPTED_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/avif', 'image/gif'] as const;
export type AcceptedContentType = (typeof ACCEPTED_CONTENT_TYPES)[number];

/** Camera facts kept from EXIF (never served inside an image file). */
export interface ExifFacts {
  make: string | null;
  model: string | null;
  lens: string | null;
  /** Seconds, e.g. 0.004 for 1/250 s. */
  exposureTime: number | null;
  fNumber: number | null;
  iso: number | null;
  /** Millimetres. */
  focalLength: number | null;
  /** ISO-8601 as recorded by the camera (its local time when no offset is recorded). */
  takenAt: string | null;
}

export interface GeoPoint {
  lat: number;
  lng: number;
}

/** The renditions every ready video has, by their short side (`720p` is `720.mp4`). */
export const RENDITION_QUALITIES = ['720p', '360p'] as const;
export type RenditionQuality = (typeof RENDITION_QUALITIES)[number];

export interface MediaUrls {
  webp: string;
  jpg: string;
}

/** What every media view has, a photo's or a video's. */
interface MediaViewCommon {
  id: string;
  ownerId: string;
  status: MediaStatus;
  /** Why processing failed (status `failed`), in words; `failureCode` is one of the error codes. */
  failureCode: string | null;
  failureReason: string | null;
  /** Upright dimensions of the original (after EXIF orientation). Null until ready. */
  width: number | null;
  height: number | null;
  aspectRatio: number | null;
  /** Base64 ThumbHash, for a placeholder while the image loads. */
  thumbhash: string | null;
  /** `#rrggbb`. */
  dominantColor: string | null;
  /** URLs of every derivative, by variant (a video's are its poster frame's). Empty until ready. */
  urls: Partial<Record<Variant, MediaUrls>>;
  /** Only for the owner. */
  exif: ExifFacts | null;
  /** Only for the owner, and only when the upload asked to keep it. */
  location: GeoPoint | null;
  createdAt: string;
}

/** A photo: no transcoding, no length, no renditions. */
export interface ImageMediaView extends MediaViewCommon {
  kind: 'image';
  progress: null;
  durationMs: null;
  /** Always empty: only videos have renditions. */
  renditions: NoRenditions;
}

/** A video (an MP4, MOV, WebM or Matroska upload): its `urls` are its poster frame's. */
export interface VideoMediaView extends MediaViewCommon {
  kind: 'video';
  /** How far transcoding is, 0–100 (100 once ready); null until it starts. */
  progress: number | null;
  /** Its length, once probed (null before that). */
  durationMs: number | null;
  /** The MP4 renditions, by quality, once ready (empty until then). */
  renditions: Partial<Record<RenditionQuality, string>>;
}

/** An empty object: what a photo has for renditions. */
export type NoRenditions = Partial<Record<never, string>>;

/**
 * A media item, as its owner or a viewer sees it. `kind` tells a photo from a video, so that
 * `if (m.kind === 'video') m.renditions['720p']` type-checks and a photo's `renditions` does not.
 * On the wire the keys come in one order for both kinds (see `presentMedia`).
 */
export type MediaView = ImageMediaView | VideoMediaView;

/** The fields that differ by kind. */
export type MediaKindFacts = Pick<ImageMediaView, MediaKindKey> | Pick<VideoMediaView, MediaKindKey>;
export type MediaKindKey = 'kind' | 'progress' | 'durationMs' | 'renditions';

export interface SignedTargetView {
  method: 'PUT';
  url: string;
  headers: Record<string, string>;
}

export interface UploadPartTarget extends SignedTargetView {
  partNumber: number;
  /** Bytes this part must carry: `partSize`, except the last. */
  size: number;
}

export type CreateUploadResult =
  | { duplicate: true; mediaId: string; media: MediaView }
  | {
      duplicate: false;
      uploadId: string;
      mediaId: string;
      expiresAt: string;
      mode: 'single';
      target: SignedTargetView;
    }
  | {
      duplicate: false;
      uploadId: string;
      mediaId: string;
      expiresAt: string;
      mode: 'multipart';
      partSize: number;
      parts: UploadPartTarget[];
    };

export interface UploadStatusView {
  uploadId: string;
  mediaId: string;
  status: 'pending' | 'completed' | 'failed' | 'expired';
  mode: 'single' | 'multipart';
  expiresAt: string;
  /** Multipart: parts durably stored, ascending. Single: `[ { partNumber: 1, … } ]` once the PUT landed. */
  storedParts: { partNumber: number; size: number; etag: string }[];
  /** Fresh signed targets for what is still missing (empty when nothing is). */
  missing: UploadPartTarget[];
}
