import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DerivativeMap } from '../../src/modules/media/presenter.js';
import { readQuadrants, UPRIGHT } from '../fixtures/images.js';
import { DIALECTS } from '../support/databases.js';
import { uploadReady } from '../support/media.js';
import { registerUser } from '../support/users.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** 24 MP of flat quadrants: a few kilobytes of PNG that still cost a full decode, as a pixel bomb does. */
async function largeQuadrantPng(width: number, height: number): Promise<Buffer> {
  const half = { width: width / 2, height: height / 2, channels: 3 as const };
  return sharp({ create: { width, height, channels: 3, background: '#ff0000' } })
    .composite([
      { input: { create: { ...half, background: '#00ff00' } }, left: width / 2, top: 0 },
      { input: { create: { ...half, background: '#0000ff' } }, left: 0, top: height / 2 },
      { input: { create: { ...half, background: '#ffffff' } }, left: width / 2, top: height / 2 },
    ])
    .png()
    .toBuffer();
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

const STORES = ['disk', 's3'] as const;
const CASES = DIALECTS.flatMap((dialect) =>
  STORES.map((media) => ({ dialect, media, name: `${dialect.name}/${media}` })),
);

describe.each(CASES)('on-demand widths on $name', ({ dialect, media }) => {
  const WIDTH = 6000;
  const HEIGHT = 4000;
  let t: TestServer;
  let token: string;
  let mediaId: string;
  let original: Buffer;

  beforeAll(async () => {
    t = await startTestServer({
      dialect,
      media,
      env: { APERTURE_MEDIA_CONCURRENCY: '1', APERTURE_MEDIA_RENDER_QUEUE: '2' },
    });
    token = await registerUser(t.url, 'widths');
    original = await largeQuadrantPng(WIDTH, HEIGHT);
    mediaId = await uploadReady(t.url, token, original);
  });
  afterAll(async () => {
    await t?.stop();
  });

  const get = (file: string) =>
    fetch(`${t.url}/media/${mediaId}/${file}`, { headers: { authorization: `Bearer ${token}` } });
  const row = () =>
    t.server.db.kysely.selectFrom('media').selectAll().where('id', '=', mediaId).executeTakeFirstOrThrow();
  const derivatives = async () => JSON.parse((await row()).derivatives ?? '{}') as DerivativeMap;
  /** The size a plain render of `width` from the original has. */
  const fromOriginal = async (width: number) => {
    const { info } = await sharp(original).resize({ width }).raw().toBuffer({ resolveWithObject: true });
    return [info.width, info.height];
  };

  it('renders a width from the nearest wider derivative: the original is not even read', async () => {
    const { original_key: originalKey } = await row();
    await t.server.blobs.delete(originalKey);
    try {
      for (const [file, width, source] of [
        ['w704.webp', 704, 'w1080.webp'],
        ['w704.jpg', 704, 'w1080.jpg'],
        ['w384.webp', 384, 'w640.webp'],
        ['w64.jpg', 64, 'w320.jpg'],
      ] as const) {
        const response = await get(file);
        expect(response.status, file).toBe(200);
        const body = Buffer.from(await response.arrayBuffer());
        const meta = await sharp(body).metadata();
        expect([meta.width, meta.height], file).toEqual(await fromOriginal(width));
        expect(await readQuadrants(body), file).toEqual(UPRIGHT);
        expect((await derivatives())[file]?.from, file).toBe(source);
      }
    } finally {
      await t.server.blobs.put(originalKey, original, { contentType: 'application/octet-stream' });
    }
  });

  it('falls back to the original only for widths wider than every derivative, and reuses that render', async () => {
    const wide = await get('w1280.webp');
    expect(wide.status).toBe(200);
    expect((await sharp(Buffer.from(await wide.arrayBuffer())).metadata()).width).toBe(1280);
    expect((await derivatives())['w1280.webp']?.from).toBe('original');

    const { original_key: originalKey } = await row();
    await t.server.blobs.delete(originalKey);
    try {
      const narrower = await get('w1216.webp');
      expect(narrower.status).toBe(200);
      const meta = await sharp(Buffer.from(await narrower.arrayBuffer())).metadata();
      expect([meta.width, meta.height]).toEqual(await fromOriginal(1216));
      expect((await derivatives())['w1216.webp']?.from).toBe('w1280.webp');
    } finally {
      await t.server.blobs.put(originalKey, original, { contentType: 'application/octet-stream' });
    }
  });

  it('shares one bounded queue with processing: a full queue answers 503 with Retry-After', async () => {
    const { imageWork } = t.server.services;
    const gate = deferred();
    // Processing (or any image work) holding the only slot.
    const holder = imageWork.run(() => gate.promise);
    const waiting = [get('w128.webp'), get('w192.webp')];
    await until(() => imageWork.queued === 2, 'two renders to queue');

    const refused = await get('w256.webp');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('UNAVAILABLE');
    expect(refused.headers.get('cache-control')).toBe('no-store');

    gate.resolve();
    await holder;
    expect((await Promise.all(waiting)).map((r) => r.status)).toEqual([200, 200]);
    // Refused means nothing was rendered: a retry renders it.
    expect((await derivatives())['w256.webp']).toBeUndefined();
    expect((await get('w256.webp')).status).toBe(200);
  });

  it('never decodes more images at once than the limit, however many widths are asked at once', async () => {
    const { imageWork } = t.server.services;
    let peakActive = 0;
    let peakSharp = 0;
    // sharp's own count of images in its thread pool, so the check does not rest on the limiter's word.
    const sample = setInterval(() => {
      peakSharp = Math.max(peakSharp, sharp.counters().process);
      peakActive = Math.max(peakActive, imageWork.active);
    }, 1);
    try {
      const files = [448, 512, 576, 768, 832, 896, 960, 1024].map((width) => `w${width}.jpg`);
      const responses = await Promise.all(files.map(get));
      const statuses = responses.map((r) => r.status);
      expect(statuses.every((status) => status === 200 || status === 503)).toBe(true);
      // One runs, two wait: at least those three are served.
      expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(3);
      for (const response of responses.filter((r) => r.status === 503)) {
        expect(response.headers.get('retry-after')).toBe('2');
      }
    } finally {
      clearInterval(sample);
    }
    expect(peakActive).toBeLessThanOrEqual(1);
    expect(peakSharp).toBeLessThanOrEqual(1);
  });

  it('accepts only the canonical spelling of a width, and creates nothing for any other', async () => {
    const puts: string[] = [];
    const originalPut = t.server.blobs.put.bind(t.server.blobs);
    t.server.blobs.put = (key, body, options) => {
      puts.push(key);
      return originalPut(key, body, options);
    };
    try {
      for (const file of ['w0064.jpg', 'w064.webp', 'w00640.webp', 'w0320.jpg', 'w0.webp', 'w-64.jpg']) {
        expect((await get(file)).status, file).toBe(404);
      }
    } finally {
      t.server.blobs.put = originalPut;
    }
    expect(puts).toEqual([]);
    expect(Object.keys(await derivatives()).filter((name) => name.startsWith('w0'))).toEqual([]);
  });
});
