import { OUTPUT_FORMATS, VARIANTS, type ExifFacts, type GeoPoint, type OutputFormat, type Variant } from '../types.js';
import { CONTENT_TYPES, decodeUpright, encode, fromDecoded, type DecodedImage } from './decode.js';
import { readExif } from './exif.js';
import { inspectImage, type ImageLimits, type InspectedImage } from './limits.js';
import type { AcceptedFormat } from './sniff.js';
import { ScaleLevels, scaleTo } from './levels.js';
import { computePerceptualHash } from './perceptual-hash.js';
import { computePlaceholder } from './thumbhash.js';

export const THUMB_SIZE = 150;

/** Width of each width variant; `thumb` is a THUMB_SIZE square centre crop. */
export const VARIANT_WIDTHS = { w320: 320, w640: 640, w1080: 1080 } as const satisfies Record<
  Exclude<Variant, 'thumb'>,
  number
>;

export interface ProcessImageOptions extends ImageLimits {
  /** Keep the GPS position in the result (it is never written into any derivative either way). */
  keepLocation: boolean;
}

export interface Derivative {
  variant: Variant;
  format: OutputFormat;
  width: number;
  height: number;
  data: Buffer;
  contentType: (typeof CONTENT_TYPES)[OutputFormat];
}

export interface ProcessedImage {
  /** What the upload is, by its magic bytes and header. */
  format: AcceptedFormat;
  /** Upright dimensions of the original. */
  width: number;
  height: number;
  thumbhash: string;
  dominantColor: string;
  /** 16 hex digits (see perceptual-hash.ts): what the media blocklist compares; null for a plain picture. */
  perceptualHash: string | null;
  exif: ExifFacts | null;
  /** Null unless `keepLocation` and the file has a valid position. */
  gps: GeoPoint | null;
  /**
   * Every variant in both formats, in VARIANTS × OUTPUT_FORMATS order. No metadata inside: no EXIF,
   * XMP, IPTC or ICC profile; pixels are sRGB, which is what browsers assume for untagged images.
   */
  derivatives: Derivative[];
}

/**
 * Turns an upload into its derivatives, placeholder and facts, or throws ImageRejectedError.
 * Decodes once (shrinking on load to the largest size needed), scales each width from the next
 * wider one (levels.ts), and encodes both formats of a size from one set of pixels, in parallel;
 * the libuv thread pool bounds how many run at once.
 */
export async function processImage(input: Buffer, options: ProcessImageOptions): Promise<ProcessedImage> {
  const inspected = await inspectImage(input, options);
  const { width, height } = inspected;
  const levels = await decodeLevels(input, inspected, options);
  const thumb = levels.smallestCovering(THUMB_SIZE).then(cropThumb);
  const smallest = levels.at(VARIANT_WIDTHS.w320);

  // Largest first: the 1080 encodes are the longest jobs, so starting them first shortens the whole.
  const order = [...VARIANTS].reverse();
  const encodes = order.flatMap((variant) =>
    OUTPUT_FORMATS.map(async (format) => {
      const pixels = await (variant === 'thumb' ? thumb : levels.at(VARIANT_WIDTHS[variant]));
      return encodeVariant(pixels, variant, format);
    }),
  );
  const [derivatives, placeholder, perceptualHash] = await Promise.all([
    Promise.all(encodes),
    smallest.then(computePlaceholder),
    smallest.then(computePerceptualHash),
  ]);

  const { facts, gps } = readExif(inspected.metadata.exif);
  return {
    format: inspected.format,
    width,
    height,
    thumbhash: placeholder.thumbhash,
    dominantColor: placeholder.dominantColor,
    perceptualHash,
    exif: facts,
    gps: options.keepLocation ? gps : null,
    derivatives: derivatives.sort(byVariantThenFormat),
  };
}

/**
 * The perceptual hash of an image file, decoded and scaled exactly as an upload of it would be
 * (same limits, same orientation and colour handling, same sizes), so it equals the hash
 * processing records for that file (null: too plain to recognise). Throws ImageRejectedError for
 * what an upload would refuse.
 */
export async function perceptualHashOfImage(input: Buffer, limits: ImageLimits): Promise<string | null> {
  const inspected = await inspectImage(input, limits);
  const levels = await decodeLevels(input, inspected, limits);
  return computePerceptualHash(await levels.at(VARIANT_WIDTHS.w320));
}

/**
 * The decode keeps enough pixels for w1080 and for a thumb cropped from the short side, and no
 * more: a 12 MP JPEG decodes at 1/2 or 1/4 scale instead of in full. Never upscales.
 */
async function decodeLevels(input: Buffer, inspected: InspectedImage, limits: ImageLimits): Promise<ScaleLevels> {
  const { width, height } = inspected;
  const scale = Math.min(1, Math.max(VARIANT_WIDTHS.w1080 / width, THUMB_SIZE / Math.min(width, height)));
  const decoded = await decodeUpright(input, inspected, Math.max(1, Math.round(width * scale)), limits);
  return new ScaleLevels(decoded, { width, height }, Object.values(VARIANT_WIDTHS));
}

/** Always a full square tile, so a smaller-than-150 original is enlarged for the grid. */
function cropThumb(image: DecodedImage): Promise<DecodedImage> {
  return scaleTo(image, { width: THUMB_SIZE, height: THUMB_SIZE }, { fit: 'cover', position: 'centre' });
}

async function encodeVariant(pixels: DecodedImage, variant: Variant, format: OutputFormat): Promise<Derivative> {
  const { data, info } = await encode(fromDecoded(pixels), format).toBuffer({ resolveWithObject: true });
  return { variant, format, width: info.width, height: info.height, data, contentType: CONTENT_TYPES[format] };
}

function byVariantThenFormat(a: Derivative, b: Derivative): number {
  return (
    VARIANTS.indexOf(a.variant) - VARIANTS.indexOf(b.variant) ||
    OUTPUT_FORMATS.indexOf(a.format) - OUTPUT_FORMATS.indexOf(b.format)
  );
}
