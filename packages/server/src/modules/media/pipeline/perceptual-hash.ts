import { fromDecoded, type DecodedImage } from './decode.js';

/**
 * A 64-bit perceptual hash (pHash): the picture shrunk to 32 × 32 grey levels, its 2-D DCT, and one
 * bit per coefficient of the lowest 8 × 8 frequencies, set when the coefficient is above their
 * median. Written as 16 lower-case hex digits.
 *
 * pHash rather than the cheaper dHash (a 9 × 8 grid of neighbour comparisons): measured on
 * generated photos with gradients and shapes, both keep copies that were resized to 50 %,
 * re-encoded (JPEG q60, WebP) or converted to PNG within 0–4 bits, but dHash's bits come from
 * differences between neighbouring cells, which flip wherever the picture is nearly flat, so
 * unrelated photos came as close as 14 bits under dHash and no closer than 20 under pHash. The
 * wider gap is what lets the blocklist's distance be generous enough for slight crops without
 * catching unrelated photos. The extra cost is a 32 × 32 DCT in JavaScript, about 10,000
 * multiplications: far below the resize both need.
 */
export const HASH_GRID = 32;
const LOW = 8;
/**
 * The largest low-frequency coefficient a picture must reach to be hashed: 256 is a wave of about
 * one grey level across the 32 × 32 grid. A flat picture's coefficients are rounding errors (about
 * 1e-11) of the same signs whatever its colour, so every flat picture would share one hash, and
 * blocking one would block them all; pure noise reaches about 50. A faint 6-level gradient reaches
 * about 1,300, a photo at 5 % contrast about 800, a normal one 8,000 or more.
 */
const MIN_STRUCTURE = 256;

/** cos((2x + 1)uπ / 2N) for the LOW lowest frequencies u, computed once. */
const COSINES: Float64Array[] = Array.from({ length: LOW }, (_, u) =>
  Float64Array.from({ length: HASH_GRID }, (_, x) => Math.cos(((2 * x + 1) * u * Math.PI) / (2 * HASH_GRID))),
);

/** The hash, or null for a picture too plain to tell copies of it from other plain pictures. */
export async function computePerceptualHash(image: DecodedImage): Promise<string | null> {
  // Transparent areas count as white, as the JPEG derivatives show them.
  const { data, info } = await fromDecoded(image)
    .flatten({ background: '#ffffff' })
    .greyscale()
    .resize(HASH_GRID, HASH_GRID, { fit: 'fill' })
    .extractChannel(0)
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.width !== HASH_GRID || info.height !== HASH_GRID || info.channels !== 1) {
    throw new Error(`Unexpected ${info.width}×${info.height}×${info.channels} hash grid`);
  }
  return hashOfGrey(data);
}

/** The hash of a HASH_GRID × HASH_GRID grey image, one byte per pixel, row by row (null: too plain). */
export function hashOfGrey(grey: Uint8Array): string | null {
  // Separable DCT: rows first (only the LOW frequencies are needed), then columns.
  const rows = new Float64Array(HASH_GRID * LOW);
  for (let y = 0; y < HASH_GRID; y++) {
    for (let u = 0; u < LOW; u++) {
      const cos = COSINES[u]!;
      let sum = 0;
      for (let x = 0; x < HASH_GRID; x++) sum += grey[y * HASH_GRID + x]! * cos[x]!;
      rows[y * LOW + u] = sum;
    }
  }
  const coefficients = new Float64Array(LOW * LOW);
  for (let v = 0; v < LOW; v++) {
    const cos = COSINES[v]!;
    for (let u = 0; u < LOW; u++) {
      let sum = 0;
      for (let y = 0; y < HASH_GRID; y++) sum += rows[y * LOW + u]! * cos[y]!;
      coefficients[v * LOW + u] = sum;
    }
  }
  // The median leaves out the DC term (the mean brightness), which would dwarf the rest.
  const ac = coefficients.subarray(1);
  if (ac.reduce((max, c) => Math.max(max, Math.abs(c)), 0) < MIN_STRUCTURE) return null;
  const sorted = Float64Array.from(ac).sort();
  const median = (sorted[31]! + sorted[32]!) / 2;
  let hex = '';
  for (let nibble = 0; nibble < 16; nibble++) {
    let value = 0;
    for (let bit = 0; bit < 4; bit++) value = (value << 1) | (coefficients[nibble * 4 + bit]! > median ? 1 : 0);
    hex += value.toString(16);
  }
  return hex;
}
