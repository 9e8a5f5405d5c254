import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { renderImage, type RenderedImage, type TerminalImageSupport } from '../../src/images/index.js';
import { flatPng, noisyPng } from './fixtures.js';

const KITTY: TerminalImageSupport = { protocol: 'kitty', color: 'truecolor' };
const ITERM: TerminalImageSupport = { protocol: 'iterm', color: 'truecolor' };
const ESC = '\u001b';

describe('renderImage with the kitty graphics protocol', () => {
  it('sends a PNG in 4096-byte chunks: a=T,f=100 and m=1 first, m=1 between, m=0 last', async () => {
    const image = await renderImage(await noisyPng(96, 48), { maxColumns: 40, maxRows: 24, support: KITTY });
    expect([image.columns, image.rows]).toEqual([40, 10]);
    const commands = kittyCommands(carrier(image));
    expect(commands.length).toBeGreaterThan(2);

    const [first, ...rest] = commands;
    expect(first?.keys).toBe('a=T,f=100,c=40,r=10,C=1,q=2,m=1');
    expect(rest.slice(0, -1).every((command) => command.keys === 'm=1')).toBe(true);
    expect(rest.at(-1)?.keys).toBe('m=0');
    expect(commands.every((command) => command.payload.length <= 4096)).toBe(true);
    expect(commands.slice(0, -1).every((command) => command.payload.length === 4096)).toBe(true);

    // The chunks put back together are the whole picture, as a PNG.
    const png = Buffer.from(commands.map((command) => command.payload).join(''), 'base64');
    const metadata = await sharp(png).metadata();
    expect(metadata.format).toBe('png');
    expect([metadata.width, metadata.height]).toEqual([96, 48]);
  });

  it('sends a small picture as a single command with m=0', async () => {
    const image = await renderImage(await flatPng(8, 8), { maxColumns: 40, maxRows: 24, support: KITTY });
    const commands = kittyCommands(carrier(image));
    expect(commands).toHaveLength(1);
    expect(commands[0]?.keys).toBe('a=T,f=100,c=8,r=4,C=1,q=2,m=0');
  });

  it('reserves rows × columns and draws from the top left corner of the box', async () => {
    const image = await renderImage(await flatPng(400, 200), { maxColumns: 40, maxRows: 24, support: KITTY });
    expectReservedBox(image, 40, 10);
  });

  it('scales a big photo down before sending it', async () => {
    const image = await renderImage(await noisyPng(1200, 600), { maxColumns: 20, maxRows: 24, support: KITTY });
    const commands = kittyCommands(carrier(image));
    const png = Buffer.from(commands.map((command) => command.payload).join(''), 'base64');
    const metadata = await sharp(png).metadata();
    // 20 columns × 20 pixels per cell at most.
    expect([metadata.width, metadata.height]).toEqual([400, 200]);
  });
});

describe('renderImage with iTerm2 inline images', () => {
  it('sends one OSC 1337 File sequence sized in cells, with the JPEG in base64', async () => {
    const image = await renderImage(await flatPng(400, 200), { maxColumns: 40, maxRows: 24, support: ITERM });
    const match = new RegExp(`${ESC}\\]1337;File=([^:]*):([A-Za-z0-9+/=]+)\u0007`).exec(carrier(image));
    expect(match).not.toBeNull();
    const [, args, payload] = match ?? [];
    const file = Buffer.from(payload ?? '', 'base64');
    expect(args).toBe('inline=1;width=40;height=10;preserveAspectRatio=1');
    expect((await sharp(file).metadata()).format).toBe('jpeg');
    expectReservedBox(image, 40, 10);
  });
});

/** The line that carries the graphics sequence: the last one. */
function carrier(image: RenderedImage): string {
  return image.lines.at(-1) ?? '';
}

function kittyCommands(text: string): { keys: string; payload: string }[] {
  return [...text.matchAll(new RegExp(`${ESC}_G([^;]*);([^${ESC}]*)${ESC}\\\\`, 'g'))].map((match) => ({
    keys: match[1] ?? '',
    payload: match[2] ?? '',
  }));
}

/**
 * The lines above the last are blank padding; the last one saves the cursor, moves up to the
 * box's first row, draws, restores it and steps right over the box without printing anything.
 */
function expectReservedBox(image: RenderedImage, columns: number, rows: number): void {
  expect([image.columns, image.rows]).toEqual([columns, rows]);
  expect(image.lines).toHaveLength(rows);
  expect(image.lines.slice(0, -1)).toEqual(Array.from({ length: rows - 1 }, () => ' '.repeat(columns)));
  const last = carrier(image);
  expect(last.startsWith(`${ESC}7${ESC}[${rows - 1}A${ESC}`)).toBe(true);
  expect(last.endsWith(`${ESC}8${ESC}[${columns}C`)).toBe(true);
}
