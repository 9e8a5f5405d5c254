import sharp, { type Metadata, type SharpOptions } from 'sharp';
import { ImageRejectedError, rejectionFromDecodeError } from './errors.js';
import { isAcceptedFormat, sniffImageFormat, type AcceptedFormat } from './sniff.js';

export const DEFAULT_MAX_PIXELS = 50_000_000;
export const DEFAULT_MAX_BYTES = 25 * 1024 * 1024;

/**
 * `'error'` rejects truncated files and corrupt pixel data (JPEG, PNG, WebP, GIF) but still accepts
 * files that only raise libjpeg/libpng warnings, such as the extraneous bytes many cameras write.
 * `'warning'` (sharp's default) would refuse those; `'truncated'` would decode some corrupt data as garbage.
 */
export const FAIL_ON = 'error' satisfies SharpOptions['failOn'];

export interface ImageLimits {
  /** Width × height of the (first frame of the) image. Default 50 MP. */
  maxPixels?: number;
  /** Default 25 MiB. */
  maxBytes?: number;
}

export interface InspectedImage {
  format: AcceptedFormat;
  /** Upright (after EXIF orientation). */
  width: number;
  height: number;
  hasAlpha: boolean;
  metadata: Metadata;
}

/** What sharp's `metadata().format` says for each accepted format (AVIF is a HEIF container). */
const SHARP_FORMAT: Record<AcceptedFormat, string> = {
  jpeg: 'jpeg',
  png: 'png',
  webp: 'webp',
  gif: 'gif',
  avif: 'heif',
};

export function decodeOptions(limits: ImageLimits): SharpOptions {
  // Only the first frame of an animation is read (sharp's default `pages: 1`), so limits apply per frame.
  return { failOn: FAIL_ON, limitInputPixels: limits.maxPixels ?? DEFAULT_MAX_PIXELS };
}

/**
 * Every check that needs no pixels: magic bytes, size, then the header's dimensions. A PNG whose
 * header claims 100k × 100k is refused here, before anything is allocated for it.
 */
export async function inspectImage(input: Buffer, limits: ImageLimits = {}): Promise<InspectedImage> {
  const sniffed = sniffImageFormat(input);
  if (!isAcceptedFormat(sniffed)) {
    const what = sniffed === 'heic' ? 'HEIC images are' : sniffed === 'svg' ? 'SVG files are' : 'This file type is';
    throw new ImageRejectedError(
      'UNSUPPORTED_MEDIA_TYPE',
      `${what} not accepted: upload a JPEG, PNG, WebP, AVIF or GIF image.`,
    );
  }
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  if (input.length > maxBytes) {
    throw new ImageRejectedError('FILE_TOO_LARGE', `The file is larger than the limit of ${formatBytes(maxBytes)}.`);
  }

  let metadata: Metadata;
  try {
    // Header only, so no pixel limit here: the explicit check below reports the claimed size.
    metadata = await sharp(input, { failOn: FAIL_ON, limitInputPixels: false }).metadata();
  } catch (error) {
    throw rejectionFromDecodeError(error);
  }
  if (metadata.format !== SHARP_FORMAT[sniffed] || (sniffed === 'avif' && metadata.compression === 'hevc')) {
    throw new ImageRejectedError('UNSUPPORTED_MEDIA_TYPE', 'The file content does not match an accepted image format.');
  }
  const maxPixels = limits.maxPixels ?? DEFAULT_MAX_PIXELS;
  const { width, height } = metadata.autoOrient;
  if (!(width > 0 && height > 0)) {
    throw new ImageRejectedError('IMAGE_CORRUPT', 'The image header has no valid dimensions.');
  }
  if (width * height > maxPixels) {
    throw new ImageRejectedError(
      'IMAGE_TOO_LARGE',
      `The image is ${width}×${height} pixels; the limit is ${maxPixels.toLocaleString('en')} pixels.`,
    );
  }
  return { format: sniffed, width, height, hasAlpha: metadata.hasAlpha, metadata };
}

function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}
