import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BAD_FILES, photo } from '../../../test/fixtures/images.js';
import { configureSharp, ImageRejectedError, processImage } from './pipeline/index.js';
import { PipelineThread } from './pipeline-thread.js';

const OPTIONS = { keepLocation: true };
let pipeline: PipelineThread;

beforeAll(() => configureSharp());
afterEach(async () => pipeline.close());

describe('PipelineThread', () => {
  it('gives exactly what processImage gives in this thread, on another thread', async () => {
    pipeline = new PipelineThread();
    const input = await photo({
      width: 1600,
      height: 1200,
      orientation: 6,
      gps: { lat: 48.8584, lng: 2.2945 },
      exif: { make: 'Aperture', model: 'Test', iso: 200, takenAt: '2026-05-01T10:00:00' },
      texture: true,
    });
    const [here, there] = await Promise.all([processImage(input, OPTIONS), pipeline.process(input, OPTIONS)]);
    expect(pipeline.threadId).toBeGreaterThan(0);
    for (const d of there.derivatives) expect(Buffer.isBuffer(d.data)).toBe(true);
    expect(there).toEqual(here);
    expect(there.gps).not.toBeNull();
  });

  it('processes several images at once, each answered with its own result', async () => {
    pipeline = new PipelineThread();
    const inputs = await Promise.all([300, 400, 500, 600].map((width) => photo({ width, height: 200 })));
    const results = await Promise.all(inputs.map((input) => pipeline.process(input, OPTIONS)));
    expect(results.map((r) => r.width)).toEqual([300, 400, 500, 600]);
  });

  it('sends only the bytes of a Buffer that is a view into a larger one', async () => {
    pipeline = new PipelineThread();
    const file = await photo({ width: 320, height: 240 });
    const pool = Buffer.concat([Buffer.from('garbage before'), file, Buffer.from('garbage after')]);
    const view = pool.subarray(14, 14 + file.length);
    expect((await pipeline.process(view, OPTIONS)).width).toBe(320);
  });

  it.each(BAD_FILES)('rejects a $name with ImageRejectedError $code, as in this thread', async ({ make, code }) => {
    pipeline = new PipelineThread();
    const input = await make();
    const here = await processImage(input, OPTIONS).catch((error: unknown) => error);
    const there = await pipeline.process(input, OPTIONS).catch((error: unknown) => error);
    expect(there).toBeInstanceOf(ImageRejectedError);
    expect(there).toMatchObject({ code, message: (here as ImageRejectedError).message });
  });

  it('fails the images in flight when the thread ends, and starts a new thread for the next', async () => {
    pipeline = new PipelineThread();
    const large = await photo({ width: 4000, height: 3000, texture: true });
    const inFlight = pipeline.process(large, OPTIONS);
    const first = pipeline.threadId;
    await pipeline.restart();
    const error = await inFlight.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(ImageRejectedError); // a retryable failure, not a verdict on the file
    const next = await pipeline.process(await photo(), OPTIONS);
    expect(next.width).toBe(480);
    expect(pipeline.threadId).not.toBe(first);
  });

  it('refuses work once closed', async () => {
    pipeline = new PipelineThread();
    await pipeline.close();
    await expect(pipeline.process(await photo(), OPTIONS)).rejects.toThrow(/closed/);
  });

  it('never keeps a process alive once its images are done', () => {
    pipeline = new PipelineThread(); // closed by afterEach; the child has its own
    // A real process (on the build: a child cannot load TypeScript) that processes one image and
    // then just returns, without closing the pipeline: it must exit by itself.
    const built = fileURLToPath(new URL('../../../dist/modules/media/pipeline-thread.js', import.meta.url));
    const script = `
      import sharp from 'sharp';
      import { PipelineThread } from ${JSON.stringify(built)};
      const file = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3366cc' } }).jpeg().toBuffer();
      const image = await new PipelineThread().process(file, { keepLocation: false });
      console.log('processed', image.width);
    `;
    const child = spawnSync(process.execPath, ['--input-type=module'], {
      input: script,
      cwd: fileURLToPath(new URL('../../..', import.meta.url)),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('processed 64');
    expect(child.status).toBe(0);
  });
});
