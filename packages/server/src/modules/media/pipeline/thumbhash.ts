import { rgbaToThumbHash } from 'thumbhash';
import { fromDecoded, type DecodedImage } from './decode.js';

export interface Placeholder {
  /** Base64 ThumbHash. */
  thumbhash: string;
  /** `#rrggbb`: the alpha-weighted mean colour, the same tone the ThumbHash fades from. */
  dominantColor: string;
}

/** ThumbHash accepts at most 100 × 100 pixels. */
const THUMBHASH_MAX = 100;

export async function computePlaceholder(image: DecodedImage): Promise<Placeholder> {
  const { data, info } = await fromDecoded(image)
    .resize(THUMBHASH_MAX, THUMBHASH_MAX, { fit: 'inside', withoutEnlargement: true })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const hash = rgbaToThumbHash(info.width, info.height, data);
  return { thumbhash: Buffer.from(hash).toString('base64'), dominantColor: meanColor(data) };
}

/**
 * A mean rather than sharp's histogram mode: the mode of a photo with gradients lands on an
 * arbitrary bin, while the mean is stable and matches the placeholder it sits behind.
 */
function meanColor(rgba: Buffer): string {
  let r = 0;
  let g = 0;
  let b = 0;
  let weight = 0;
  for (let index = 0; index + 3 < rgba.length; index += 4) {
    const alpha = rgba[index + 3] ?? 0;
    r += (rgba[index] ?? 0) * alpha;
    g += (rgba[index + 1] ?? 0) * alpha;
    b += (rgba[index + 2] ?? 0) * alpha;
    weight += alpha;
  }
  if (weight === 0) return '#000000';
  return `#${[r, g, b]
    .map((sum) =>
      Math.round(sum / weight)
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}
