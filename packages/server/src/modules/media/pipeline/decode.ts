import sharp, { type OutputInfo, type Sharp } from 'sharp';
import type { OutputFormat } from '../types.js';
import { rejectionFromDecodeError } from './errors.js';
import { decodeOptions, type ImageLimits, type InspectedImage } from './limits.js';
import { isUntaggedCmyk, untaggedCmykToSrgb } from './untagged-cmyk.js';

/** Upright sRGB pixels, 8 bits per channel, alpha not premultiplied. */
export interface DecodedImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 3 | 4;
  /** 4 channels whose alpha is 255 everywhere (GIFs, many PNGs): encoders drop it. */
  opaque: boolean;
}

export const WEBP_OPTIONS = { quality: 80 } as const;
export const JPEG_OPTIONS = { quality: 80, mozjpeg: true } as const;
export const CONTENT_TYPES = { webp: 'image/webp', jpg: 'image/jpeg' } as const satisfies Record<OutputFormat, string>;

/**
 * Decodes once: auto-orient, convert to sRGB (embedded ICC profiles, CMYK, greyscale, 16-bit) and
 * shrink to `width` on the way in, so JPEG and WebP decode at a fraction of full size. A CMYK JPEG
 * with a profile goes through it; one without is converted as browsers show it (untagged-cmyk.ts).
 * Only the first frame of an animation is decoded.
 */
export async function decodeUpright(
  input: Buffer,
  inspected: Pick<InspectedImage, 'width' | 'metadata'>,
  width: number,
  limits: ImageLimits,
): Promise<DecodedImage> {
  let pipeline = sharp(input, decodeOptions(limits)).autoOrient();
  if (width < inspected.width) pipeline = pipeline.resize({ width });
  let decoded: { data: Buffer; info: OutputInfo };
  try {
    decoded = isUntaggedCmyk(inspected.metadata)
      ? await untaggedCmykToSrgb(pipeline)
      : await pipeline.toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw rejectionFromDecodeError(error);
  }
  const { data, info } = decoded;
  // sRGB is 3 bands, 4 with alpha; anything else is a bug here, not a problem with the upload.
  if (info.channels !== 3 && info.channels !== 4) throw new Error(`Unexpected ${info.channels}-channel decode`);
  const channels = info.channels;
  return { data, width: info.width, height: info.height, channels, opaque: channels === 4 && isOpaque(data) };
}

/** A fresh pipeline over the decoded pixels; nothing from the original file (EXIF, XMP, ICC) can follow. */
export function fromDecoded(image: DecodedImage): Sharp {
  const pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } });
  return image.opaque ? pipeline.removeAlpha() : pipeline;
}

export function encode(pipeline: Sharp, format: OutputFormat): Sharp {
  if (format === 'webp') return pipeline.webp(WEBP_OPTIONS);
  // JPEG has no alpha: composite transparent areas onto white rather than on whatever colour they hide.
  return pipeline.flatten({ background: '#ffffff' }).jpeg(JPEG_OPTIONS);
}

function isOpaque(rgba: Buffer): boolean {
  for (let index = 3; index < rgba.length; index += 4) if (rgba[index] !== 255) return false;
  return true;
}
