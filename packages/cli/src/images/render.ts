import sharp from 'sharp';
import type { TerminalImageSupport } from './detect.js';
import { fitImage, type CellBox } from './fit.js';
import { renderHalfBlocks } from './halfblocks.js';
import { itermSequence, kittySequence, reserveCells } from './protocols.js';

/**
 * An image laid out in terminal cells: exactly `rows` lines, each taking `columns` cells on screen.
 * With kitty or iTerm2 the picture is one escape sequence carried by the last line, which prints
 * nothing but moves the cursor over the box (see {@link reserveCells}); the lines above are blank
 * so a layout engine keeps the room.
 *
 * In Ink, write the lines through a `<Transform>` over blank text of the same size: Ink strips
 * every escape but colours and OSC from `<Text>`, which would lose kitty's picture. Keep other
 * content off the image's last row (Ink counts each character of an escape as a cell there).
 * test/images/ink-layout.test.ts shows the recipe.
 */
export interface RenderedImage {
  lines: string[];
  columns: number;
  rows: number;
}

export interface RenderImageOptions {
  maxColumns: number;
  maxRows: number;
  support: TerminalImageSupport;
  /** How many times taller than wide a cell is. Default 2. */
  cellAspect?: number;
}

/**
 * For kitty and iTerm2 the terminal scales the picture into the cells itself; we send at most
 * this many pixels per cell (a HiDPI cell is about 20 × 40) so a big photo is not sent in full.
 */
const PIXELS_PER_CELL = { width: 20, height: 40 } as const;

/**
 * Draws an image (any format sharp decodes: JPEG, PNG, WebP, AVIF, GIF's first frame) as large as
 * fits in `maxColumns × maxRows` cells, keeping its aspect ratio and never wider than its pixels.
 * Rejects when the bytes are not an image.
 */
export async function renderImage(bytes: Buffer, options: RenderImageOptions): Promise<RenderedImage> {
  const { support } = options;
  const { autoOrient } = await sharp(bytes, { autoOrient: true }).metadata();
  const { width, height } = autoOrient;
  if (support.protocol === 'none') return textBox(`[photo ${width}x${height}]`, options.maxColumns);

  const box = fitImage(width, height, options.maxColumns, options.maxRows, options.cellAspect);
  if (box.columns === 0) return { lines: [], columns: 0, rows: 0 };

  switch (support.protocol) {
    case 'blocks':
      return { ...box, lines: renderHalfBlocks(await halfBlockPixels(bytes, box), support.color) };
    case 'kitty':
      // kitty's direct transmission takes PNG (f=100) or raw pixels; PNG is far smaller.
      return { ...box, lines: reserveCells(kittySequence(await scaledForTerminal(bytes, box, 'png'), box), box) };
    case 'iterm':
      return { ...box, lines: reserveCells(itermSequence(await scaledForTerminal(bytes, box, 'jpeg'), box), box) };
  }
}

/** Two pixel rows per text row. Transparency is laid on black, the usual terminal background. */
async function halfBlockPixels(bytes: Buffer, box: CellBox) {
  const { data, info } = await sharp(bytes, { autoOrient: true })
    .flatten({ background: '#000000' })
    .resize(box.columns, box.rows * 2, { fit: 'fill' })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

async function scaledForTerminal(bytes: Buffer, box: CellBox, format: 'png' | 'jpeg'): Promise<Buffer> {
  const image = sharp(bytes, { autoOrient: true }).resize(
    box.columns * PIXELS_PER_CELL.width,
    box.rows * PIXELS_PER_CELL.height,
    { fit: 'inside', withoutEnlargement: true },
  );
  return format === 'png' ? image.png().toBuffer() : image.flatten({ background: '#000000' }).jpeg().toBuffer();
}

/** One line of text, cut to the room there is. */
export function textBox(text: string, maxColumns: number): RenderedImage {
  const columns = Math.max(0, Math.min(text.length, Math.floor(maxColumns)));
  if (columns === 0) return { lines: [], columns: 0, rows: 0 };
  const line = columns < text.length ? `${text.slice(0, columns - 1)}…` : text;
  return { lines: [line], columns, rows: 1 };
}
