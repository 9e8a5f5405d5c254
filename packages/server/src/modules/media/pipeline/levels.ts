import type { ResizeOptions } from 'sharp';
import { fromDecoded, type DecodedImage } from './decode.js';
import { widthTarget, type ImageSize } from './render.js';

/**
 * The pixels of each width variant, widest first, each scaled down from the one before it rather
 * than from the decode: a 320 from the 640's pixels costs a fifth of a 320 from a 1080's, and the
 * thumb, the placeholder and the perceptual hash then start from the 320. Sizes are those of
 * `widthTarget` on the original, so a derivative has the size an on-demand render of that width has.
 */
export class ScaleLevels {
  private readonly levels = new Map<number, Promise<DecodedImage>>();

  /** `widths` in any order; `original` is the upright size of the file `decoded` came from. */
  constructor(
    readonly decoded: DecodedImage,
    original: ImageSize,
    widths: readonly number[],
  ) {
    let previous = Promise.resolve(decoded);
    for (const width of [...widths].sort((a, b) => b - a)) {
      const target = widthTarget(original, width);
      previous = previous.then((source) => (target.width < source.width ? scaleTo(source, target) : source));
      this.levels.set(width, previous);
    }
  }

  /** The pixels of width `width` (one of the constructor's widths; never wider than the original). */
  at(width: number): Promise<DecodedImage> {
    const level = this.levels.get(width);
    if (level === undefined) throw new RangeError(`No scale level for width ${width}`);
    return level;
  }

  /** The smallest level whose short side is at least `side` (the decode when none is). */
  async smallestCovering(side: number): Promise<DecodedImage> {
    let covering = this.decoded;
    for (const level of await Promise.all(this.levels.values())) {
      if (Math.min(level.width, level.height) >= side && level.width < covering.width) covering = level;
    }
    return covering;
  }
}

/**
 * Raw pixels of `image` scaled to exactly `size`: by default stretched to fit (between width
 * levels the aspect differs by under a pixel), or as `resize` says (the thumb's cover crop).
 */
export async function scaleTo(
  image: DecodedImage,
  size: ImageSize,
  resize: ResizeOptions = { fit: 'fill' },
): Promise<DecodedImage> {
  const { data, info } = await fromDecoded(image)
    .resize(size.width, size.height, resize)
    .raw()
    .toBuffer({ resolveWithObject: true });
  // fromDecoded drops an alpha channel that is opaque everywhere, so one that is left is not.
  return { data, width: info.width, height: info.height, channels: info.channels === 4 ? 4 : 3, opaque: false };
}
