import type { Metadata, OutputInfo, Sharp } from 'sharp';

/**
 * A CMYK image that carries no ICC profile. Nothing says which press its inks were meant for, and
 * such files mostly come from tools that made them with the plain formula below (ImageMagick's and
 * Pillow's `CMYK` conversions, scanners, document pipelines). Browsers show them with that formula
 * too, so converting them through a press profile (libvips' fallback) shows dull, greyed colours
 * next to what the uploader sees: a 50 % cyan sky comes out (119,156,206) instead of (127,191,255).
 */
export function isUntaggedCmyk(metadata: Pick<Metadata, 'space' | 'hasProfile'>): boolean {
  return metadata.space === 'cmyk' && metadata.hasProfile !== true;
}

/**
 * Runs `pipeline` (orientation and resizing already on it) in CMYK and converts its ink to sRGB
 * as browsers do for an untagged CMYK JPEG: each colour is what its ink and the black leave of the
 * paper, R = (1 − C)(1 − K), and likewise G from M and B from Y. libvips hands Adobe's inverted
 * samples over already un-inverted, so the values read here are ink amounts (255 = full ink).
 */
export async function untaggedCmykToSrgb(pipeline: Sharp): Promise<{ data: Buffer; info: OutputInfo }> {
  const { data: ink, info } = await pipeline
    .pipelineColourspace('cmyk')
    .toColourspace('cmyk')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 4) throw new Error(`Unexpected ${info.channels}-channel CMYK decode`);
  const rgb = Buffer.allocUnsafe((ink.length / 4) * 3);
  for (let from = 0, to = 0; from < ink.length; from += 4, to += 3) {
    const paper = 255 - ink[from + 3]!;
    rgb[to] = Math.round(((255 - ink[from]!) * paper) / 255);
    rgb[to + 1] = Math.round(((255 - ink[from + 1]!) * paper) / 255);
    rgb[to + 2] = Math.round(((255 - ink[from + 2]!) * paper) / 255);
  }
  return { data: rgb, info: { ...info, channels: 3, size: rgb.length } };
}
