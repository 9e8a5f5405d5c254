import { stripVTControlCharacters } from 'node:util';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { TerminalImageSupport } from '../../src/images/index.js';
import { renderImage } from '../../src/images/index.js';
import { flatPng, pngFromPixels } from './fixtures.js';

const TRUECOLOR: TerminalImageSupport = { protocol: 'blocks', color: 'truecolor' };
const COLOR_256: TerminalImageSupport = { protocol: 'blocks', color: '256' };

const R = [255, 0, 0];
const G = [0, 255, 0];
const B = [0, 0, 255];
const W = [255, 255, 255];
const K = [0, 0, 0];
const Y = [255, 255, 0];
const M = [255, 0, 255];

/** 4 × 4 pixels, each written out, so the expected output can be too. */
const PIXELS_4X4 = [
  [R, R, G, B],
  [R, R, G, W],
  [K, K, Y, Y],
  [K, K, Y, M],
];

const fg = (r: number, g: number, b: number) => `\u001b[38;2;${r};${g};${b}m`;
const bg = (r: number, g: number, b: number) => `\u001b[48;2;${r};${g};${b}m`;
const fg256 = (index: number) => `\u001b[38;5;${index}m`;
const bg256 = (index: number) => `\u001b[48;5;${index}m`;
const RESET = '\u001b[0m';

describe('renderImage with half blocks', () => {
  it('renders a known 4×4 image to the exact truecolor escape sequence', async () => {
    const png = await pngFromPixels(4, 4, PIXELS_4X4.flat());
    const image = await renderImage(png, { maxColumns: 80, maxRows: 24, support: TRUECOLOR });
    expect(image.columns).toBe(4);
    expect(image.rows).toBe(2);
    expect(image.lines).toEqual([
      // Cell by cell (top pixel / bottom pixel): R/R, R/R (no escape: unchanged), G/G, B/W.
      fg(255, 0, 0) +
        bg(255, 0, 0) +
        '▀' +
        '▀' +
        fg(0, 255, 0) +
        bg(0, 255, 0) +
        '▀' +
        fg(0, 0, 255) +
        bg(255, 255, 255) +
        '▀' +
        RESET,
      // K/K, K/K, Y/Y, Y/M (the foreground stays yellow, so only the background changes).
      fg(0, 0, 0) + bg(0, 0, 0) + '▀' + '▀' + fg(255, 255, 0) + bg(255, 255, 0) + '▀' + bg(255, 0, 255) + '▀' + RESET,
    ]);
  });

  it('renders the same image in 256 colours with cube indices', async () => {
    const png = await pngFromPixels(4, 4, PIXELS_4X4.flat());
    const image = await renderImage(png, { maxColumns: 80, maxRows: 24, support: COLOR_256 });
    expect(image.lines).toEqual([
      fg256(196) + bg256(196) + '▀▀' + fg256(46) + bg256(46) + '▀' + fg256(21) + bg256(231) + '▀' + RESET,
      fg256(16) + bg256(16) + '▀▀' + fg256(226) + bg256(226) + '▀' + bg256(201) + '▀' + RESET,
    ]);
  });

  it('fits a wide image to the width: 400×200 at 40 columns is 40 × 10 cells', async () => {
    const image = await renderImage(await flatPng(400, 200), { maxColumns: 40, maxRows: 100, support: TRUECOLOR });
    expect([image.columns, image.rows]).toEqual([40, 10]);
    expectBlockGrid(image.lines, 40, 10);
  });

  it('limits a tall image by the rows, keeping the aspect ratio', async () => {
    const image = await renderImage(await flatPng(100, 400), { maxColumns: 80, maxRows: 20, support: TRUECOLOR });
    // 20 rows show 40 pixels of height; a quarter of that is 10 pixels (columns) wide.
    expect([image.columns, image.rows]).toEqual([10, 20]);
    expectBlockGrid(image.lines, 10, 20);
  });

  it('never draws wider than the image has pixels', async () => {
    const image = await renderImage(await flatPng(16, 8), { maxColumns: 80, maxRows: 24, support: TRUECOLOR });
    expect([image.columns, image.rows]).toEqual([16, 4]);
  });

  it('honours a different cell aspect', async () => {
    const image = await renderImage(await flatPng(400, 200), {
      maxColumns: 40,
      maxRows: 100,
      support: TRUECOLOR,
      cellAspect: 2.5,
    });
    expect([image.columns, image.rows]).toEqual([40, 8]);
  });

  it('applies EXIF orientation before fitting', async () => {
    // Stored 400 wide × 200 tall, but orientation 6 means "rotate 90°": it shows 200 × 400.
    const rotated = await sharp(await flatPng(400, 200))
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const image = await renderImage(rotated, { maxColumns: 40, maxRows: 100, support: TRUECOLOR });
    expect([image.columns, image.rows]).toEqual([40, 40]);
  });

  it('draws greyscale and transparent images with three channels (transparency on black)', async () => {
    const grey = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#808080' } })
      .greyscale()
      .png()
      .toBuffer();
    const greyImage = await renderImage(grey, { maxColumns: 10, maxRows: 10, support: TRUECOLOR });
    expect(greyImage.lines).toEqual([fg(128, 128, 128) + bg(128, 128, 128) + '▀▀' + RESET]);

    const clear = await sharp({
      create: { width: 2, height: 2, channels: 4, background: { r: 255, g: 255, b: 255, alpha: 0 } },
    })
      .png()
      .toBuffer();
    const clearImage = await renderImage(clear, { maxColumns: 10, maxRows: 10, support: TRUECOLOR });
    expect(clearImage.lines).toEqual([fg(0, 0, 0) + bg(0, 0, 0) + '▀▀' + RESET]);
  });

  it('returns nothing when there is no room, and rejects bytes that are not an image', async () => {
    const png = await flatPng(10, 10);
    expect(await renderImage(png, { maxColumns: 0, maxRows: 10, support: TRUECOLOR })).toEqual({
      lines: [],
      columns: 0,
      rows: 0,
    });
    await expect(
      renderImage(Buffer.from('not an image'), { maxColumns: 10, maxRows: 10, support: TRUECOLOR }),
    ).rejects.toThrow();
  });
});

describe('renderImage without images', () => {
  it('prints a one-line [photo WxH] box, cut to the room there is', async () => {
    const png = await flatPng(400, 200);
    const support: TerminalImageSupport = { protocol: 'none', color: '256' };
    expect(await renderImage(png, { maxColumns: 80, maxRows: 24, support })).toEqual({
      lines: ['[photo 400x200]'],
      columns: 15,
      rows: 1,
    });
    expect(await renderImage(png, { maxColumns: 8, maxRows: 24, support })).toEqual({
      lines: ['[photo …'],
      columns: 8,
      rows: 1,
    });
  });
});

/** Every line shows exactly `columns` half blocks and nothing else once the colours are stripped. */
function expectBlockGrid(lines: string[], columns: number, rows: number): void {
  expect(lines).toHaveLength(rows);
  for (const line of lines) expect(stripVTControlCharacters(line)).toBe('▀'.repeat(columns));
}
