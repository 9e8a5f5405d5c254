import sharp from 'sharp';

/** A lossless PNG of the given RGB pixels, row by row: images whose every pixel a test knows. */
export async function pngFromPixels(width: number, height: number, rgb: number[][]): Promise<Buffer> {
  return sharp(Buffer.from(rgb.flat()), { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

/** A flat-colour PNG of any size. */
export async function flatPng(width: number, height: number, hex = '#336699'): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: hex } })
    .png()
    .toBuffer();
}

/** A PNG of random pixels, which compresses badly: a payload long enough to need chunking. */
export async function noisyPng(width: number, height: number): Promise<Buffer> {
  const data = Buffer.alloc(width * height * 3);
  // A fixed linear congruential sequence, so the image is the same on every run.
  let seed = 12345;
  for (let index = 0; index < data.length; index += 1) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    data[index] = seed >>> 24; // the high bits: an LCG's low bits repeat with a short period
  }
  return sharp(data, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}
