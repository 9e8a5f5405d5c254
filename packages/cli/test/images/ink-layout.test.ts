import { stripVTControlCharacters } from 'node:util';
import { Box, Text, Transform, renderToString } from 'ink';
import { createElement as h } from 'react';
import { describe, expect, it } from 'vitest';
import { clearGraphics, renderImage, type RenderedImage, type TerminalImageSupport } from '../../src/images/index.js';
import { flatPng } from './fixtures.js';

/*
 * What the Ink screens do with a RenderedImage, checked against the real Ink. Ink strips every
 * escape sequence but colours (SGR) and OSC from <Text>, so a graphics sequence (kitty's APC,
 * the cursor moves around it) only survives when put in by a <Transform>, whose output Ink
 * writes as is. The recipe: lay out blank text of the image's size, then swap each line for
 * the rendered one.
 */
function ImageBox({ image }: { image: RenderedImage }) {
  const blank = image.lines.map(() => ' '.repeat(image.columns)).join('\n');
  return h(
    Box,
    { width: image.columns, height: image.rows },
    h(Transform, { transform: (_line: string, index: number) => image.lines[index] ?? '' }, h(Text, null, blank)),
  );
}

const KITTY: TerminalImageSupport = { protocol: 'kitty', color: 'truecolor' };
const ITERM: TerminalImageSupport = { protocol: 'iterm', color: 'truecolor' };
const BLOCKS: TerminalImageSupport = { protocol: 'blocks', color: 'truecolor' };

async function screenWith(support: TerminalImageSupport): Promise<{ image: RenderedImage; frame: string }> {
  const image = await renderImage(await flatPng(40, 20), { maxColumns: 20, maxRows: 10, support });
  const frame = renderToString(h(Box, { flexDirection: 'column' }, h(ImageBox, { image }), h(Text, null, 'caption')), {
    columns: 80,
  });
  return { image, frame };
}

describe('a RenderedImage laid out by Ink', () => {
  it('keeps half blocks, in the room the image asked for', async () => {
    const { image, frame } = await screenWith(BLOCKS);
    const rows = frame.split('\n');
    expect(rows).toHaveLength(image.rows + 1);
    expect(rows.slice(0, image.rows).map((row) => stripVTControlCharacters(row))).toEqual(
      Array.from({ length: image.rows }, () => '▀'.repeat(image.columns)),
    );
    expect(rows.at(-1)).toBe('caption');
  });

  it.each([
    ['kitty', KITTY],
    ['iTerm2', ITERM],
  ])('passes the %s sequence through whole, with the caption below the reserved rows', async (_name, support) => {
    const { image, frame } = await screenWith(support);
    const carrier = image.lines.at(-1) ?? '';
    const rows = frame.split('\n');
    expect(rows).toHaveLength(image.rows + 1);
    expect(rows[image.rows - 1]).toBe(carrier);
    expect(rows.at(-1)).toBe('caption');
  });

  it('is stripped by a plain <Text>, which is why the recipe uses a <Transform>', async () => {
    const image = await renderImage(await flatPng(40, 20), { maxColumns: 20, maxRows: 10, support: KITTY });
    const frame = renderToString(h(Text, null, image.lines.at(-1)), { columns: 80 });
    expect(frame).not.toContain('\u001b_G');
  });
});

describe('clearGraphics', () => {
  it('deletes all kitty placements and their data, quietly; nothing for other protocols', () => {
    expect(clearGraphics('kitty')).toBe('\u001b_Ga=d,d=A,q=2;\u001b\\');
    expect(clearGraphics('iterm')).toBe('');
    expect(clearGraphics('blocks')).toBe('');
  });
});
