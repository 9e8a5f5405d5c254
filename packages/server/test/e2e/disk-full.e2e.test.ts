import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { sql } from 'kysely';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, loadConfig, type ApertureServer } from '../../src/index.js';
import type { DatabaseConfig } from '../../src/db/connect.js';
import { originalKey, stagingKey } from '../../src/modules/media/keys.js';
import { DIALECTS } from '../support/databases.js';
import { noisePng, sha256, waitForMedia, type Target } from '../support/media.js';
import { keepAliveExchange } from '../support/raw-http.js';
import { callTrpc } from '../support/server.js';
import { openSmallVolume, volumeBanner, type SmallVolume } from '../support/small-volume.js';
import { signUp, type SignedUp } from '../support/users.js';

const MiB = 1024 * 1024;
/** APERTURE_MIN_FREE_MB for these servers; the volume is small enough to get below it. */
const FLOOR_MIB = 2;
const SECRET = 'disk-full-test-secret-0123456789abcdef';

interface Created {
  duplicate: boolean;
  uploadId: string;
  mediaId: string;
  target: Target;
}

describe.each(DIALECTS)('a full disk under the media ($name)', (dialect) => {
  let volume: SmallVolume | undefined;
  let server: ApertureServer | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;
  let url: string;
  let me: SignedUp;
  let friend: SignedUp;

  beforeAll(async () => {
    volume = await openSmallVolume(48 * MiB);
    console.log(volumeBanner(volume, `disk-full e2e on ${dialect.name}`));
    const config = loadConfig({
      APERTURE_DATA_DIR: volume.dir,
      APERTURE_PORT: '0',
      APERTURE_LOG_LEVEL: 'silent',
      APERTURE_MIN_FREE_MB: String(FLOOR_MIB),
      APERTURE_SECRET: SECRET,
    });
    // SQLite lives on the small volume (its default place in the data folder); Postgres does not.
    let database: DatabaseConfig = config.database;
    if (dialect.name === 'postgres') {
      const created = await dialect.create({ migrate: false });
      database = created.config;
      dropDatabase = () => created.cleanup();
    }
    const started = await createServer(
      { ...config, database },
      volume.serverOptions({ secret: SECRET, publicUrl: () => started.url }),
    );
    server = started;
    url = await started.start();
    me = await signUp(url, 'filler');
    friend = await signUp(url, 'friend');
  });
  afterEach(async () => {
    await volume?.release();
  });
  afterAll(async () => {
    try {
      // Bounded: a server with a request stuck in flight (the failure this file catches) never stops.
      await withTimeout(server?.stop(), 10_000, 'server.stop()');
    } finally {
      try {
        await dropDatabase?.();
      } finally {
        await volume?.cleanup();
      }
    }
  });

  const create = (image: Buffer) =>
    callTrpc<Created>(url, 'media.createUpload', {
      token: me.token,
      input: { size: image.length, contentType: 'image/png', sha256: sha256(image) },
    });
  const complete = (uploadId: string) =>
    callTrpc<{ id: string; status: string }>(url, 'media.completeUpload', { token: me.token, input: { uploadId } });
  const put = (target: Target, body: Buffer) => fetch(target.url, { method: 'PUT', headers: target.headers, body });
  const readyz = async () => {
    const response = await fetch(`${url}/readyz`);
    return { status: response.status, body: (await response.json()) as { checks: { name: string; ok: boolean }[] } };
  };
  /** Free-space readings are cached for a second: wait (bounded) until the server sees the change. */
  const readyzUntil = async (status: number) => {
    for (let i = 0; i < 100; i++) {
      const answer = await readyz();
      if (answer.status === status) return answer;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`/readyz never answered ${status}`);
  };
  /** Files left in the disk store's temp folder: a write cut short must leave none. */
  const tempFiles = async () => (await readdir(path.join(volume!.dir, 'media', '~tmp')).catch(() => [])).length;

  let pending: { created: Created; image: Buffer };

  it('answers STORAGE_FULL (507, Retry-After) when completing runs out of space, and keeps nothing half-written', async () => {
    const image = await noisePng(3);
    const created = (await create(image)).body.result!.data;
    // Room for the PUT (above the floor, more than the file) but not for the copy completing
    // makes, which runs out of space well before its end.
    await volume!.leaveFree(FLOOR_MIB * MiB + image.length * 0.5);
    expect((await put(created.target, image)).status).toBe(200);

    const failed = await complete(created.uploadId);
    expect(failed.status).toBe(507);
    expect(failed.headers.get('retry-after')).toBe('60');
    expect(failed.body.error?.data).toMatchObject({ appCode: 'STORAGE_FULL', httpStatus: 507, retryAfter: 60 });

    // Nothing half-written: no partial original, no temp file; the staged bytes and the upload wait.
    const blobs = server!.blobs;
    expect(await blobs.head(originalKey(created.mediaId))).toBeNull();
    expect(await tempFiles()).toBe(0);
    expect((await blobs.head(stagingKey(created.uploadId)))?.size).toBe(image.length);
    const status = await callTrpc<{ status: string }>(url, 'media.uploadStatus', {
      type: 'query',
      token: me.token,
      input: { uploadId: created.uploadId },
    });
    expect(status.body.result?.data.status).toBe('pending');
    expect((await fetch(`${url}/media/${created.mediaId}/w320.webp`)).status).toBe(404);
    pending = { created, image };
  });

  it('while below the floor: /readyz is 503 naming free space, and new uploads are refused up front', async () => {
    await volume!.leaveFree(FLOOR_MIB * MiB * 0.5);
    const notReady = await readyzUntil(503);
    expect(notReady.body.checks).toContainEqual(expect.objectContaining({ name: 'free space', ok: false }));

    const refused = await create(await noisePng(0.1));
    expect(refused.status).toBe(507);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(refused.body.error?.data).toMatchObject({ appCode: 'STORAGE_FULL', retryAfter: 60 });

    // The disk store's PUT refuses before reading the body: the staged bytes stay as they were.
    const stagedBefore = await server!.blobs.head(stagingKey(pending.created.uploadId));
    const putRefused = await put(pending.created.target, Buffer.alloc(64 * 1024, 1)).catch(() => undefined);
    if (putRefused) {
      expect(putRefused.status).toBe(507);
      expect(putRefused.headers.get('retry-after')).toBe('60');
      expect(await putRefused.json()).toMatchObject({ error: { code: 'STORAGE_FULL' } });
    }
    expect(await server!.blobs.head(stagingKey(pending.created.uploadId))).toEqual(stagedBefore);
    expect(await tempFiles()).toBe(0);
  });

  it('once space is freed, the same upload completes, and what is served is whole', async () => {
    await volume!.release();
    await readyzUntil(200);
    const completed = await complete(pending.created.uploadId);
    expect(completed.status).toBe(200);
    const ready = await waitForMedia(url, me.token, pending.created.mediaId);
    expect(ready.status).toBe('ready');
    const kept = await server!.blobs.get(originalKey(pending.created.mediaId));
    expect(sha256(await buffer(kept.body))).toBe(sha256(pending.image));
    const served = await fetch(`${url}/media/${pending.created.mediaId}/w320.webp`, {
      headers: { authorization: `Bearer ${me.token}` },
    });
    expect(served.status).toBe(200);
    const meta = await sharp(Buffer.from(await served.arrayBuffer())).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 320 });
    expect(await tempFiles()).toBe(0);
    expect(await server!.blobs.head(stagingKey(pending.created.uploadId))).toBeNull();
  });

  it('an upload PUT that fails mid-body does not stall the next request on its keep-alive connection', async () => {
    const size = 4 * MiB;
    const body = Buffer.alloc(size, 7);
    const created = (
      await callTrpc<Created>(url, 'media.createUpload', {
        token: me.token,
        input: { size, contentType: 'image/png', sha256: sha256(body) },
      })
    ).body.result!.data;
    // Above the floor, so the PUT is accepted; less than the body, so the disk fills mid-body.
    await volume!.leaveFree(FLOOR_MIB * MiB + MiB);
    const target = new URL(created.target.url);
    const exchange = await keepAliveExchange(url, {
      first: `PUT ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nContent-Length: ${size}\r\n\r\n`,
      firstBody: body,
      second: `GET /healthz HTTP/1.1\r\nHost: ${target.host}\r\n\r\n`,
      waitMs: 5_000,
    });
    // The connection is closed rather than left waiting for the rest of a refused body...
    expect(exchange.second).not.toBe('hung');
    // ...after the failure is answered (unless the close overtook the answer on the wire).
    if (exchange.first !== undefined) {
      expect(exchange.first.status).toBe(507);
      expect(exchange.first.headers['connection']).toBe('close');
    }
    expect(await tempFiles()).toBe(0);
    expect(await server!.blobs.head(stagingKey(created.uploadId))).toBeNull();
  });

  it('answers given with the body read, or with no body at all, keep the connection open', async () => {
    const exchange = await keepAliveExchange(url, {
      first: 'GET /no-such-route HTTP/1.1\r\nHost: test\r\n\r\n',
      second: 'GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n',
      waitMs: 5_000,
    });
    expect(exchange.first).toMatchObject({ status: 404, headers: { connection: 'keep-alive' } });
    expect(exchange.second).toBe('answered');
  });

  // Only SQLite shares the volume; Postgres keeps its data elsewhere.
  if (dialect.name !== 'sqlite') return;

  it('SQLite on the full volume: writes are STORAGE_FULL, reads go on, writes resume once space is back', async (ctx) => {
    if (volume!.kind !== 'tmpfs') {
      console.log('!! SQLite on a full disk NOT exercised: the simulated volume fails only the blob store');
      ctx.skip();
      return;
    }
    await server!.settle();
    // An empty WAL, so that the next commit must grow a file on the full volume.
    await sql`pragma wal_checkpoint(TRUNCATE)`.execute(server!.db.kysely);
    await volume!.leaveFree(0);

    const bio = await callTrpc(url, 'accounts.updateProfile', {
      token: me.token,
      input: { bio: 'written on a full disk' },
    });
    expect(bio.status).toBe(507);
    expect(bio.body.error?.data).toMatchObject({ appCode: 'STORAGE_FULL', retryAfter: 60 });
    const follow = await callTrpc(url, 'graph.follow', { token: me.token, input: { userId: friend.id } });
    expect(follow.status).toBe(507);
    expect(follow.body.error?.data).toMatchObject({ appCode: 'STORAGE_FULL' });
    const read = await callTrpc<{ bio: string | null }>(url, 'accounts.me', { type: 'query', token: me.token });
    expect(read.status).toBe(200);

    await volume!.release();
    const written = await callTrpc(url, 'accounts.updateProfile', { token: me.token, input: { bio: 'space is back' } });
    expect(written.status).toBe(200);
    expect((await callTrpc(url, 'graph.follow', { token: me.token, input: { userId: friend.id } })).status).toBe(200);
    const after = await callTrpc<{ bio: string | null }>(url, 'accounts.me', { type: 'query', token: me.token });
    expect(after.body.result?.data.bio).toBe('space is back');
  });
});

async function withTimeout(work: Promise<void> | undefined, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
  });
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
