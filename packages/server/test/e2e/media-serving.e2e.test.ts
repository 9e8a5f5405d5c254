import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { photo } from '../fixtures/images.js';
import { sqliteDialect } from '../support/databases.js';
import { putTo, sha256, waitForMedia, type Target } from '../support/media.js';
import { registerUser } from '../support/users.js';
import { callTrpc, startTestServer, type TestServer } from '../support/server.js';

interface Urls {
  webp: string;
  jpg: string;
}

describe('serving media (GET /media/:id/:file)', () => {
  let t: TestServer;
  let token: string;
  let mediaId: string;
  let urls: Record<string, Urls>;

  beforeAll(async () => {
    t = await startTestServer({ dialect: sqliteDialect });
    token = await registerUser(t.url, 'server');
    const image = await photo({ width: 1400, height: 1000 });
    const created = await callTrpc<{ uploadId: string; mediaId: string; target: Target }>(t.url, 'media.createUpload', {
      token,
      input: { size: image.length, contentType: 'image/jpeg', sha256: sha256(image) },
    });
    const { uploadId, target } = created.body.result!.data;
    mediaId = created.body.result!.data.mediaId;
    await putTo(target, image);
    await callTrpc(t.url, 'media.completeUpload', { token, input: { uploadId } });
    urls = (await waitForMedia(t.url, token, mediaId)).urls as Record<string, Urls>;
  });
  afterAll(async () => {
    await t?.stop();
  });

  const plain = (url: string) => url.split('?')[0]!;

  it('serves unposted media only through its signed URL or to its owner', async () => {
    const signed = await fetch(urls.thumb!.jpg);
    expect(signed.status).toBe(200);
    expect(signed.headers.get('cache-control')).toBe('private, max-age=3600');
    expect((await fetch(plain(urls.thumb!.jpg))).status).toBe(404);
    const owner = await fetch(plain(urls.thumb!.jpg), { headers: { authorization: `Bearer ${token}` } });
    expect(owner.status).toBe(200);
    const forged = await fetch(`${plain(urls.thumb!.jpg)}?exp=9999999999&sig=${'A'.repeat(32)}`);
    expect(forged.status).toBe(404);
    // The original is never served, whatever the name.
    expect(
      (await fetch(`${t.url}/media/${mediaId}/original.jpg`, { headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(404);
  });

  it('sends safe headers, a strong ETag, 304 and byte ranges', async () => {
    const response = await fetch(urls.w640!.webp);
    const body = Buffer.from(await response.arrayBuffer());
    expect(response.headers.get('content-type')).toBe('image/webp');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toMatch(/sandbox/);
    const etag = response.headers.get('etag');
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect((await sharp(body).metadata()).width).toBe(640);

    const cached = await fetch(urls.w640!.webp, { headers: { 'if-none-match': etag! } });
    expect(cached.status).toBe(304);
    const partial = await fetch(urls.w640!.webp, { headers: { range: 'bytes=10-19' } });
    expect(partial.status).toBe(206);
    expect(partial.headers.get('content-range')).toBe(`bytes 10-19/${body.length}`);
    expect(Buffer.from(await partial.arrayBuffer()).equals(body.subarray(10, 20))).toBe(true);
    const beyond = await fetch(urls.w640!.webp, { headers: { range: `bytes=${body.length}-` } });
    expect(beyond.status).toBe(416);
  });

  it('becomes public and immutable once it is an avatar', async () => {
    const set = await callTrpc<{ avatar: Urls }>(t.url, 'accounts.setAvatar', { token, input: { mediaId } });
    expect(set.status).toBe(200);
    const avatarUrl = set.body.result!.data.avatar.webp;
    expect(avatarUrl).not.toContain('sig=');
    const response = await fetch(avatarUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const me = await callTrpc<{ avatar: Urls }>(t.url, 'accounts.me', { type: 'query', token });
    expect(me.body.result?.data.avatar).toEqual(set.body.result!.data.avatar);
  });

  it('snaps ?w= to an allowed width and generates each width once under concurrent requests', async () => {
    const redirect = await fetch(`${plain(urls.w640!.webp)}?w=500`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^/media/${mediaId}/w\\d+\\.webp$`));
    const snapped = Number(/w(\d+)\.webp$/.exec(location)![1]);
    expect(snapped).not.toBe(500);

    const puts: string[] = [];
    const originalPut = t.server.blobs.put.bind(t.server.blobs);
    t.server.blobs.put = (key, body, options) => {
      puts.push(key);
      return originalPut(key, body, options);
    };
    try {
      const responses = await Promise.all(
        Array.from({ length: 8 }, () =>
          fetch(`${t.url}${location}`, { headers: { authorization: `Bearer ${token}` } }),
        ),
      );
      const bodies = await Promise.all(responses.map(async (r) => Buffer.from(await r.arrayBuffer())));
      expect(responses.every((r) => r.status === 200)).toBe(true);
      expect(bodies.every((b) => b.equals(bodies[0]!))).toBe(true);
      expect((await sharp(bodies[0]).metadata()).width).toBe(snapped);
      expect(puts.filter((k) => k.endsWith(`/w${snapped}.webp`))).toHaveLength(1);
    } finally {
      t.server.blobs.put = originalPut;
    }
    const widths = await callTrpc<{ urls: Record<string, Urls> }>(t.url, 'media.get', {
      type: 'query',
      token,
      input: { id: mediaId },
    });
    expect(widths.status).toBe(200);
  });
});
