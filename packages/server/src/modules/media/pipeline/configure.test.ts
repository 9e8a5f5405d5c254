import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { svg } from '../../../../test/fixtures/images.js';
import { configureSharp } from './configure.js';

const tile = () => sharp({ create: { width: 8, height: 8, channels: 3, background: '#c33' } });

describe('configureSharp', () => {
  beforeAll(() => {
    configureSharp();
    configureSharp({ concurrency: 1 }); // idempotent: a second call must not throw or undo anything
  });

  it('keeps the loaders of every accepted format open', async () => {
    for (const data of [
      await tile().jpeg().toBuffer(),
      await tile().png().toBuffer(),
      await tile().webp().toBuffer(),
      await tile().gif().toBuffer(),
      await tile().avif().toBuffer(),
    ]) {
      const { info } = await sharp(data).raw().toBuffer({ resolveWithObject: true });
      expect(info.width).toBe(8);
    }
  });

  it('blocks loaders Aperture does not accept, even for valid files', async () => {
    // sharp can still write TIFF (savers are not blocked), so this is a real, well-formed TIFF.
    const tiff = await tile().tiff().toBuffer();
    await expect(sharp(tiff).metadata()).rejects.toThrow(/unsupported image format/);
    await expect(
      sharp(await svg())
        .raw()
        .toBuffer(),
    ).rejects.toThrow(/unsupported image format/);
  });

  it('turns off the operation cache and applies the concurrency', () => {
    expect(sharp.cache().items.max).toBe(0);
    expect(sharp.concurrency()).toBe(1);
  });
});
