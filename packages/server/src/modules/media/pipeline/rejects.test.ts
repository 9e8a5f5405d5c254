import { Script } from 'node:vm';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { BAD_FILES, gifJsPolyglot, photo, pixelBombPng } from '../../../../test/fixtures/images.js';
import { configureSharp } from './configure.js';
import { ImageRejectedError, type ImageRejectionCode } from './errors.js';
import { processImage } from './process.js';

const rejection = async (input: Buffer, options: Parameters<typeof processImage>[1] = { keepLocation: false }) => {
  try {
    await processImage(input, options);
  } catch (error) {
    if (error instanceof ImageRejectedError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('processImage accepted the file');
};

const expectRejected = async (
  input: Buffer,
  code: ImageRejectionCode,
  options?: Parameters<typeof processImage>[1],
) => {
  const { code: got, message } = await rejection(input, options);
  expect(got).toBe(code);
  expect(message.length).toBeGreaterThan(10);
};

beforeAll(() => configureSharp());

describe('processImage: the bad-file corpus', () => {
  it.each(BAD_FILES.map((file) => [file.name, file] as const))('%s is refused', async (_name, file) => {
    await expectRejected(await file.make(), file.code);
  });

  it('is a real polyglot: the GIF one parses as JavaScript and starts like a GIF', async () => {
    const data = await gifJsPolyglot();
    expect(data.subarray(0, 6).toString('latin1')).toBe('GIF89a');
    // Compiling (not running) the text proves a browser would accept it as a script.
    expect(() => new Script(data.toString('latin1'))).not.toThrow();
  });

  it('refuses the printable GIF89a=…; polyglot too', async () => {
    await expectRejected(Buffer.from('GIF89a=1;alert(1)//' + ' '.repeat(64), 'latin1'), 'IMAGE_CORRUPT');
  });

  it('refuses the pixel bomb from its header, naming the claimed size', async () => {
    const bomb = await pixelBombPng();
    expect(bomb.length).toBeLessThan(200);
    const { message } = await rejection(bomb);
    expect(message).toContain('100000×100000');
  });

  it('refuses a truncated PNG, WebP and GIF', async () => {
    for (const format of ['png', 'webp', 'gif'] as const) {
      const whole = await photo({ width: 320, height: 240, texture: true, format });
      await expectRejected(whole.subarray(0, Math.floor(whole.length / 2)), 'IMAGE_CORRUPT');
    }
  });

  it('refuses formats libvips could read but Aperture does not take', async () => {
    const tile = sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } });
    await expectRejected(await tile.clone().tiff().toBuffer(), 'UNSUPPORTED_MEDIA_TYPE');
    await expectRejected(Buffer.from('P6\n2 2\n255\n' + '\xff'.repeat(12), 'latin1'), 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('applies the configured limits', async () => {
    const input = await photo({ width: 480, height: 320 });
    await expectRejected(input, 'IMAGE_TOO_LARGE', { keepLocation: false, maxPixels: 480 * 320 - 1 });
    await expectRejected(input, 'FILE_TOO_LARGE', { keepLocation: false, maxBytes: input.length - 1 });
    const exact = await processImage(input, { keepLocation: false, maxPixels: 480 * 320, maxBytes: input.length });
    expect(exact.width).toBe(480);
  });

  it('accepts a JPEG followed by trailing bytes (only the image is ever re-encoded)', async () => {
    const input = Buffer.concat([await photo(), Buffer.from('<html><script>alert(1)</script></html>')]);
    expect((await processImage(input, { keepLocation: false })).derivatives).toHaveLength(8);
  });

  it('keeps working after every bad file', async () => {
    for (const file of BAD_FILES) await rejection(await file.make());
    const image = await processImage(await photo(), { keepLocation: false });
    expect(image.derivatives).toHaveLength(8);
  });
});
