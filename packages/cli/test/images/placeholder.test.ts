import { stripVTControlCharacters } from 'node:util';
import sharp from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';
import { describe, expect, it } from 'vitest';
import { renderPlaceholder, type TerminalImageSupport } from '../../src/images/index.js';

const TRUECOLOR: TerminalImageSupport = { protocol: 'blocks', color: 'truecolor' };
const ESC = '\u001b';
const RESET = `${ESC}[0m`;

/** A ThumbHash made the way the server makes it, from a real image: red on the left, blue on the right. */
async function redBlueThumbHash(): Promise<string> {
  const left = await sharp({ create: { width: 40, height: 60, channels: 4, background: '#ff0000' } })
    .png()
    .toBuffer();
  const { data, info } = await sharp({ create: { width: 80, height: 60, channels: 4, background: '#0000ff' } })
    .composite([{ input: left, left: 0, top: 0 }])
    .raw()
    .toBuffer({ resolveWithObject: true });
  return Buffer.from(rgbaToThumbHash(info.width, info.height, data)).toString('base64');
}

/** A ThumbHash of a white spot in the middle of red (left) and blue (right) halves. */
async function spotThumbHash(): Promise<string> {
  const left = await sharp({ create: { width: 40, height: 60, channels: 4, background: '#ff0000' } })
    .png()
    .toBuffer();
  const spot = await sharp({ create: { width: 16, height: 16, channels: 4, background: '#ffffff' } })
    .png()
    .toBuffer();
  const { data, info } = await sharp({ create: { width: 80, height: 60, channels: 4, background: '#0000ff' } })
    .composite([
      { input: left, left: 0, top: 0 },
      { input: spot, left: 32, top: 22 },
    ])
    .raw()
    .toBuffer({ resolveWithObject: true });
  return Buffer.from(rgbaToThumbHash(info.width, info.height, data)).toString('base64');
}

describe('renderPlaceholder', () => {
  it('draws a real ThumbHash at exactly the size asked, with its colours where they were', async () => {
    const placeholder = renderPlaceholder(await redBlueThumbHash(), '#7f007f', {
      columns: 20,
      rows: 6,
      support: TRUECOLOR,
    });
    expect([placeholder.columns, placeholder.rows]).toEqual([20, 6]);
    expect(placeholder.lines).toHaveLength(6);
    for (const line of placeholder.lines) expect(stripVTControlCharacters(line)).toBe('▀'.repeat(20));

    const colours = [
      ...(placeholder.lines[2] ?? '').matchAll(new RegExp(`${ESC}\\[38;2;(\\d+);(\\d+);(\\d+)m`, 'g')),
    ].map((match) => match.slice(1).map(Number));
    const [firstRed = 0, , firstBlue = 0] = colours[0] ?? [];
    const [lastRed = 0, , lastBlue = 0] = colours.at(-1) ?? [];
    expect(firstRed).toBeGreaterThan(firstBlue + 100);
    expect(lastBlue).toBeGreaterThan(lastRed + 100);
  });

  it('blurs the cover of a sensitive post to colours: the spot the ThumbHash shows is gone', async () => {
    const hash = await spotThumbHash();
    /** Red and green of each cell of a row in the middle. */
    const cells = (blur: boolean) => {
      const drawn = renderPlaceholder(hash, null, { columns: 40, rows: 6, support: TRUECOLOR, blur });
      expect([drawn.columns, drawn.rows, drawn.lines.length]).toEqual([40, 6, 6]);
      // A run of equal cells is written once, so spread it back out.
      const out: { red: number; green: number }[] = [];
      let colour = { red: 0, green: 0 };
      for (const part of (drawn.lines[3] ?? '').split('▀').slice(0, 40)) {
        const match = new RegExp(`${ESC}\\[38;2;(\\d+);(\\d+);`).exec(part);
        if (match) colour = { red: Number(match[1]), green: Number(match[2]) };
        out.push(colour);
      }
      return out;
    };
    /** Where a channel rises then falls, or falls then rises: the spot's edges. */
    const turns = (values: number[]) => {
      const steps = values
        .slice(1)
        .map((v, i) => Math.sign(v - values[i]!))
        .filter((d) => d !== 0);
      return steps.slice(1).filter((d, i) => d !== steps[i]).length;
    };
    const clear = cells(false);
    const blurred = cells(true);
    // The white spot is the only green there is: a bump in the clear placeholder, none in the cover.
    expect(turns(clear.map((c) => c.green))).toBeGreaterThanOrEqual(1);
    expect(turns(blurred.map((c) => c.green))).toBe(0);
    // Still its colours: red on the left, not on the right.
    expect(blurred[0]!.red).toBeGreaterThan(blurred.at(-1)!.red + 50);
  });

  it('uses 256 colours when that is all the terminal has', async () => {
    const placeholder = renderPlaceholder(await redBlueThumbHash(), null, {
      columns: 10,
      rows: 3,
      support: { protocol: 'blocks', color: '256' },
    });
    expect(placeholder.lines.join('')).not.toContain('38;2;');
    expect(placeholder.lines.join('')).toMatch(new RegExp(`${ESC}\\[38;5;\\d+m`));
  });

  it('falls back to a flat block of the dominant colour', () => {
    const placeholder = renderPlaceholder(null, '#336699', { columns: 5, rows: 2, support: TRUECOLOR });
    const line = '\u001b[38;2;51;102;153m\u001b[48;2;51;102;153m▀▀▀▀▀' + RESET;
    expect(placeholder).toEqual({ lines: [line, line], columns: 5, rows: 2 });
  });

  it('falls back to grey without either, and when the ThumbHash is unreadable', () => {
    const grey = '\u001b[38;2;128;128;128m\u001b[48;2;128;128;128m▀▀▀' + RESET;
    expect(renderPlaceholder(null, null, { columns: 3, rows: 1, support: TRUECOLOR }).lines).toEqual([grey]);
    expect(renderPlaceholder('AAAA', 'not a colour', { columns: 3, rows: 1, support: TRUECOLOR }).lines).toEqual([
      grey,
    ]);
  });

  it('shows a text box when images are off', () => {
    expect(
      renderPlaceholder(null, '#336699', { columns: 20, rows: 5, support: { protocol: 'none', color: '256' } }),
    ).toEqual({ lines: ['[photo]'], columns: 7, rows: 1 });
  });

  it('draws blocks even for kitty and iTerm2, which show coloured text as well', () => {
    const placeholder = renderPlaceholder(null, '#336699', {
      columns: 4,
      rows: 2,
      support: { protocol: 'kitty', color: 'truecolor' },
    });
    expect(placeholder.lines.map((line) => stripVTControlCharacters(line))).toEqual(['▀▀▀▀', '▀▀▀▀']);
  });
});
