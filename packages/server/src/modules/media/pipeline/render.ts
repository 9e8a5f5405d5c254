import sharp from 'sharp';
import type { OutputFormat } from '../types.js';
import { CONTENT_TYPES, encode } from './decode.js';
import { rejectionFromDecodeError } from './errors.js';
import { decodeOptions, inspectImage, type ImageLimits } from './limits.js';

export interface RenderedVariant {
  data: Buffer;
  width: number;
  height: number;
  contentType: (typeof CONTENT_TYPES)[OutputFormat];
}

/**
 * One on-demand width (`?w=`) from the original, under the same rules as processImage: same checks
 * and limits, upright, sRGB, no metadata, never wider than the original. Pass a snapped width.
 */
export async function renderVariantWidth(
  original: Buffer,
  width: number,
  format: OutputFormat,
  options: ImageLimits = {},
): Promise<RenderedVariant> {
  if (!Number.isInteger(width) || width <= 0) throw new RangeError(`Width must be a positive integer, got ${width}`);
  const inspected = await inspectImage(original, options);
  let pipeline = sharp(original, decodeOptions(options)).autoOrient();
  if (width < inspected.width) pipeline = pipeline.resize({ width });
  try {
    const { data, info } = await encode(pipeline.toColourspace('srgb'), format).toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height, contentType: CONTENT_TYPES[format] };
  } catch (error) {
    throw rejectionFromDecodeError(error);
  }
}
