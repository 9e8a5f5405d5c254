import sharp from 'sharp';
import type { OutputFormat } from '../types.js';
import { CONTENT_TYPES, encode } from './decode.js';
import { rejectionFromDecodeError } from './errors.js';
import { decodeOptions, inspectImage, type ImageLimits } from './limits.js';
import { isUntaggedCmyk, untaggedCmykToSrgb } from './untagged-cmyk.js';

export interface RenderedVariant {
  data: Buffer;
  width: number;
  height: number;
  contentType: (typeof CONTENT_TYPES)[OutputFormat];
}

export interface ImageSize {
  width: number;
  height: number;
}

/**
 * The size of width `width` of an upright `original`: never wider than the original, the height
 * rounded as sharp rounds it, so a render from a derivative has exactly the size a render from the
 * original would have.
 */
export function widthTarget(original: ImageSize, width: number): ImageSize {
  if (!Number.isInteger(width) || width <= 0) throw new RangeError(`Width must be a positive integer, got ${width}`);
  const targetWidth = Math.min(width, original.width);
  return { width: targetWidth, height: Math.max(1, Math.round((original.height * targetWidth) / original.width)) };
}

/**
 * One on-demand width (`?w=`) from the original, under the same rules as processImage: same checks
 * and limits, upright, sRGB, no metadata, never wider than the original. Pass a snapped width.
 * Decodes the whole original (PNG and GIF cannot shrink on load): prefer renderFromDerivative.
 */
export async function renderVariantWidth(
  original: Buffer,
  width: number,
  format: OutputFormat,
  options: ImageLimits = {},
): Promise<RenderedVariant> {
  const inspected = await inspectImage(original, options);
  const target = widthTarget(inspected, width);
  let pipeline = sharp(original, decodeOptions(options)).autoOrient();
  if (target.width < inspected.width) pipeline = pipeline.resize(target.width, target.height, { fit: 'fill' });
  try {
    const srgb = isUntaggedCmyk(inspected.metadata) ? rawPipeline(await untaggedCmykToSrgb(pipeline)) : pipeline;
    const { data, info } = await encode(srgb.toColourspace('srgb'), format).toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height, contentType: CONTENT_TYPES[format] };
  } catch (error) {
    throw rejectionFromDecodeError(error);
  }
}

function rawPipeline({ data, info }: { data: Buffer; info: { width: number; height: number; channels: number } }) {
  return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels as 3 } });
}

/**
 * One on-demand width scaled down from a stored derivative (already upright, sRGB and bare), to
 * `target` from widthTarget. A derivative is at most a few megapixels where the original may be
 * fifty, so this costs a fraction of a render from the original. The pixel limit still applies.
 */
export async function renderFromDerivative(
  derivative: Buffer,
  target: ImageSize,
  format: OutputFormat,
  options: ImageLimits = {},
): Promise<RenderedVariant> {
  const pipeline = sharp(derivative, decodeOptions(options)).resize(target.width, target.height, { fit: 'fill' });
  const { data, info } = await encode(pipeline, format).toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, contentType: CONTENT_TYPES[format] };
}
