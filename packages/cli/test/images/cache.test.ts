import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultImageCacheDir, ImageCache, imageCacheKey } from '../../src/images/index.js';

/** A real HTTP server that counts requests by path and can hold answers back. */
let server: Server;
let base: string;
const hits = new Map<string, number>();
let hold: Promise<void> | null = null;

const bodyOf = (path: string) => Buffer.from(`image bytes of ${path} `.repeat(5));

beforeAll(async () => {
  server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    void (hold ?? Promise.resolve()).then(() => {
      if (path.startsWith('/missing')) {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('no such image');
        return;
      }
      response.writeHead(200, { 'content-type': 'image/jpeg' }).end(bodyOf(path));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

let dir: string;
beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'aperture-images-')), 'cache');
  hits.clear();
  hold = null;
});
afterEach(async () => {
  await rm(join(dir, '..'), { recursive: true, force: true });
});

describe('ImageCache', () => {
  it('fetches once, then serves from disk, also to a new cache on the same folder', async () => {
    const cache = new ImageCache(dir);
    expect(await cache.get(`${base}/a.jpg`)).toEqual(bodyOf('/a.jpg'));
    expect(await cache.get(`${base}/a.jpg`)).toEqual(bodyOf('/a.jpg'));
    expect(await new ImageCache(dir).get(`${base}/a.jpg`)).toEqual(bodyOf('/a.jpg'));
    expect(hits.get('/a.jpg')).toBe(1);
    // One file named by the URL's SHA-256, and no temporary file left behind.
    expect(await readdir(dir)).toEqual([imageCacheKey(`${base}/a.jpg`)]);
  });

  it('shares one request between concurrent gets of the same URL', async () => {
    let release = () => {};
    hold = new Promise((resolve) => (release = resolve));
    const cache = new ImageCache(dir);
    const first = cache.get(`${base}/b.jpg`);
    const second = cache.get(`${base}/b.jpg`);
    await waitFor(() => hits.get('/b.jpg') === 1);
    release();
    expect(await Promise.all([first, second])).toEqual([bodyOf('/b.jpg'), bodyOf('/b.jpg')]);
    expect(hits.get('/b.jpg')).toBe(1);
  });

  it('rejects a 404 with its status, caches nothing, and asks again next time', async () => {
    const cache = new ImageCache(dir);
    await expect(cache.get(`${base}/missing.jpg?exp=1&sig=secret`)).rejects.toThrow(
      `Could not load the image (HTTP 404 Not Found) from ${base}/missing.jpg`,
    );
    await expect(cache.get(`${base}/missing.jpg`)).rejects.toThrow('HTTP 404');
    expect(hits.get('/missing.jpg')).toBe(2);
    expect(await readdir(dir).catch(() => [])).toEqual([]);
  });

  it('keeps the signature out of the error message', async () => {
    const error = await new ImageCache(dir)
      .get(`${base}/missing.jpg?exp=1&sig=secret`)
      .catch((caught: unknown) => caught);
    expect(String(error)).not.toContain('secret');
  });

  it('treats URLs that differ only by signature and expiry as the same image', async () => {
    const cache = new ImageCache(dir);
    await cache.get(`${base}/c.jpg?exp=600&sig=one`);
    expect(await cache.get(`${base}/c.jpg?exp=1200&sig=two`)).toEqual(bodyOf('/c.jpg'));
    expect(hits.get('/c.jpg')).toBe(1);
    // Any other query parameter still makes a different image.
    await cache.get(`${base}/c.jpg?w=640`);
    expect(hits.get('/c.jpg')).toBe(2);
  });

  it('evicts the least recently used files once the folder is over its limit', async () => {
    const size = bodyOf('/1.jpg').length;
    const cache = new ImageCache(dir, fetch, { maxBytes: size * 2 + 10 });
    await cache.get(`${base}/1.jpg`);
    await cache.get(`${base}/2.jpg`);
    // Make the order certain (file times can tie within a millisecond): 1 is older, then reading it
    // makes it the most recent, so 2 is the one to go.
    await setAge(`${base}/1.jpg`, 20);
    await setAge(`${base}/2.jpg`, 10);
    await cache.get(`${base}/1.jpg`);
    await cache.get(`${base}/3.jpg`);

    expect((await readdir(dir)).sort()).toEqual(
      [imageCacheKey(`${base}/1.jpg`), imageCacheKey(`${base}/3.jpg`)].sort(),
    );
    await cache.get(`${base}/2.jpg`);
    expect(hits.get('/2.jpg')).toBe(2);
    expect(hits.get('/1.jpg')).toBe(1);
  });

  it('uses the fetch it is given', async () => {
    const seen: string[] = [];
    const cache = new ImageCache(dir, (input, init) => {
      seen.push(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
      return fetch(input, init);
    });
    await cache.get(`${base}/d.jpg`);
    expect(seen).toEqual([`${base}/d.jpg`]);
  });
});

describe('defaultImageCacheDir', () => {
  it('follows XDG_CACHE_HOME, else ~/.cache', () => {
    expect(defaultImageCacheDir({ XDG_CACHE_HOME: '/var/cache/me', HOME: '/home/me' })).toBe(
      '/var/cache/me/aperture/images',
    );
    expect(defaultImageCacheDir({ HOME: '/home/me' })).toBe('/home/me/.cache/aperture/images');
    // A relative XDG_CACHE_HOME is invalid by the spec and ignored.
    expect(defaultImageCacheDir({ XDG_CACHE_HOME: 'cache', HOME: '/home/me' })).toBe('/home/me/.cache/aperture/images');
  });
});

async function setAge(url: string, secondsAgo: number): Promise<void> {
  const path = join(dir, imageCacheKey(url));
  const when = new Date(Date.now() - secondsAgo * 1000);
  await utimes(path, when, when);
  expect((await stat(path)).mtimeMs).toBeLessThan(Date.now() - 5000);
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 200 && !condition(); attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(condition()).toBe(true);
}
