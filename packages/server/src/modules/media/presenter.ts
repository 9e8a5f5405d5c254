import type { MediaRow } from '../../db/schema.js';
import type { MediaUrlSigner } from './urls.js';
import { isVideoContentType } from './video/container.js';
import {
  OUTPUT_FORMATS,
  RENDITION_QUALITIES,
  VARIANTS,
  type ExifFacts,
  type ImageMediaView,
  type MediaKindFacts,
  type MediaKindKey,
  type MediaUrls,
  type MediaView,
  type VideoMediaView,
} from './types.js';

/** What is stored per derivative in `media.derivatives`. */
export interface DerivativeInfo {
  width: number;
  height: number;
  size: number;
  etag: string;
  /** On-demand widths only: the file it was scaled from (`original`, `w1080.webp`). */
  from?: string;
}

export type DerivativeMap = Record<string, DerivativeInfo>;

export function parseDerivatives(row: Pick<MediaRow, 'derivatives'>): DerivativeMap {
  return row.derivatives ? (JSON.parse(row.derivatives) as DerivativeMap) : {};
}

export function presentMedia(
  row: MediaRow,
  options: { viewerIsOwner: boolean; isPublic: boolean; urls: MediaUrlSigner },
): MediaView {
  const derivatives = parseDerivatives(row);
  const urls: MediaView['urls'] = {};
  if (row.status === 'ready') {
    for (const variant of VARIANTS) {
      if (OUTPUT_FORMATS.every((ext) => derivatives[`${variant}.${ext}`])) {
        urls[variant] = {
          webp: options.urls.url(row.id, `${variant}.webp`, options.isPublic),
          jpg: options.urls.url(row.id, `${variant}.jpg`, options.isPublic),
        };
      }
    }
  }
  if (!isVideoContentType(row.content_type)) {
    return inWireOrder(row, options, urls, { kind: 'image', progress: null, durationMs: null, renditions: {} });
  }
  const renditions: VideoMediaView['renditions'] = {};
  if (row.status === 'ready') {
    for (const quality of RENDITION_QUALITIES) {
      const file = renditionFile(quality);
      if (derivatives[file]) renditions[quality] = options.urls.url(row.id, file, options.isPublic);
    }
  }
  return inWireOrder(row, options, urls, {
    kind: 'video',
    progress: row.progress,
    durationMs: row.duration_ms,
    renditions,
  });
}

/**
 * The view of one kind, its keys in the one order both kinds share on the wire (clients and the
 * feed bench's raw floor compare pages byte for byte). Generic over the kind's facts, so the view
 * it returns is that kind's: `kind`, `durationMs`, `renditions` and `progress` stay correlated.
 */
function inWireOrder<F extends MediaKindFacts>(
  row: MediaRow,
  options: { viewerIsOwner: boolean },
  urls: MediaView['urls'],
  facts: F,
): Omit<ImageMediaView, MediaKindKey> & Pick<F, MediaKindKey> {
  const owner = options.viewerIsOwner;
  return {
    id: row.id,
    ownerId: row.owner_id,
    kind: facts.kind,
    status: row.status,
    progress: facts.progress,
    durationMs: facts.durationMs,
    failureCode: row.failure_code,
    failureReason: row.failure_reason,
    width: row.width,
    height: row.height,
    aspectRatio: row.width && row.height ? Math.round((row.width / row.height) * 10_000) / 10_000 : null,
    thumbhash: row.thumbhash,
    dominantColor: row.dominant_color,
    urls,
    renditions: facts.renditions,
    exif: owner && row.exif ? (JSON.parse(row.exif) as ExifFacts) : null,
    location: owner && row.gps_lat !== null && row.gps_lng !== null ? { lat: row.gps_lat, lng: row.gps_lng } : null,
    createdAt: row.created_at,
  };
}

/** `720p` → `720.mp4`: the file a rendition is stored and served as. */
export function renditionFile(quality: (typeof RENDITION_QUALITIES)[number]): string {
  return `${quality.slice(0, -1)}.mp4`;
}

/** The public thumbnail URLs of an avatar: they name the media id, so a new avatar is a new URL. */
export function avatarUrls(urls: Pick<MediaUrlSigner, 'url'>, mediaId: string): MediaUrls {
  return { webp: urls.url(mediaId, 'thumb.webp', true), jpg: urls.url(mediaId, 'thumb.jpg', true) };
}
