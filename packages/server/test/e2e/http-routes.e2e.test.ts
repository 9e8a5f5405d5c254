import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, loadConfig } from '../../src/index.js';
import { DIALECTS, sqliteDialect } from '../support/databases.js';
import { callTrpc, startTestServer, type TestServer } from '../support/server.js';
import { startS3rver } from '../support/s3rver.js';
import type { BlobStore } from '../../src/storage/blob-store.js';
import { LocalBlobStore } from '../../src/storage/disk/local-blob-store.js';
import { UploadSigner } from '../../src/storage/disk/upload-signer.js';

describe('signed uploads to the disk store (PUT /uploads/:token)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ dialect: sqliteDialect, media: 'disk' });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('stores the bytes of a signed PUT, whatever content type the client sends', async () => {
    const target = await t.server.blobs.signedUpload('uploads/e2e/photo.bin', { expiresInSeconds: 60 });
    expect(target.url.startsWith(`${t.url}/uploads/`)).toBe(true);
    const bytes = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));
    const response = await fetch(target.url, {
      method: 'PUT',
      headers: { ...target.headers, 'content-type': 'application/json' },
      body: bytes,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toMatch(/^"[0-9a-f]+"$/);
    const stored = await t.server.blobs.get('uploads/e2e/photo.bin');
    const chunks: Buffer[] = [];
    for await (const chunk of stored.body) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
  });

  it('refuses a tampered token with SIGNATURE_INVALID and stores nothing', async () => {
    const target = await t.server.blobs.signedUpload('uploads/e2e/other.bin', { expiresInSeconds: 60 });
    const token = target.url.split('/uploads/')[1]!;
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    const response = await fetch(`${t.url}/uploads/${tampered}`, { method: 'PUT', body: 'hello' });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: { code: 'SIGNATURE_INVALID', message: expect.any(String) } });
    expect(await t.server.blobs.head('uploads/e2e/other.bin')).toBeNull();
  });
});

/** A store the HTTP layer cannot recognise by its class: every call goes to the disk store it wraps. */
function wrapped(inner: LocalBlobStore): BlobStore {
  const store: Record<string, unknown> = { kind: inner.kind };
  for (const name of Object.getOwnPropertyNames(LocalBlobStore.prototype)) {
    const member = (inner as unknown as Record<string, unknown>)[name];
    if (name !== 'constructor' && typeof member === 'function') store[name] = member.bind(inner);
  }
  return store as unknown as BlobStore;
}

describe('PUT /uploads/:token is mounted for a store that receives its own signed uploads, whatever its class', () => {
  it('accepts signed PUTs for a store that offers receiveSignedUpload', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'aperture-wrapped-'));
    const ref: { url?: string } = {};
    const disk = new LocalBlobStore({
      root: join(dataDir, 'media'),
      signer: new UploadSigner('wrapped-store-secret'),
      publicUrl: () => ref.url!,
    });
    const blobs = wrapped(disk);
    expect(blobs).not.toBeInstanceOf(LocalBlobStore);
    const config = loadConfig({ APERTURE_DATA_DIR: dataDir, APERTURE_PORT: '0', APERTURE_LOG_LEVEL: 'silent' });
    const server = await createServer(config, { blobs, backgroundWork: false });
    try {
      ref.url = await server.start();
      const target = await blobs.signedUpload('uploads/e2e/wrapped.bin', { expiresInSeconds: 60 });
      const response = await fetch(target.url, { method: 'PUT', headers: target.headers, body: 'through the wrapper' });
      expect(response.status).toBe(200);
      expect((await disk.head('uploads/e2e/wrapped.bin'))?.size).toBe('through the wrapper'.length);
    } finally {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('mounts no upload route for the S3 store, whose signed URLs point at S3', async () => {
    const t = await startTestServer({ dialect: sqliteDialect, media: 's3' });
    try {
      expect('receiveSignedUpload' in t.server.blobs).toBe(false);
      const target = await t.server.blobs.signedUpload('uploads/e2e/s3.bin', { expiresInSeconds: 60 });
      expect(target.url.startsWith(t.url)).toBe(false);
      const response = await fetch(`${t.url}/uploads/anything`, { method: 'PUT', body: 'hello' });
      expect(response.status).toBe(404);
    } finally {
      await t.stop();
    }
  });
});

describe('roles', () => {
  it('a worker process serves health and metrics but not the API', async () => {
    const token = 'metrics-token-of-the-worker';
    const t = await startTestServer({
      dialect: sqliteDialect,
      env: { APERTURE_ROLE: 'worker', APERTURE_METRICS_TOKEN: token },
    });
    try {
      expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
      expect((await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      const api = await callTrpc(t.url, 'accounts.register', {
        input: { username: 'worker', email: 'w@example.com', password: 'correct horse battery' },
      });
      expect(api.status).toBe(404);
    } finally {
      await t.stop();
    }
  });
});

describe('logging', () => {
  it('never writes a bearer token to the log', async () => {
    const lines = new PassThrough();
    const collected = text(lines);
    const t = await startTestServer({ dialect: sqliteDialect, logStream: lines });
    const auth = await callTrpc<{ token: string }>(t.url, 'accounts.register', {
      input: { username: 'logged', email: 'logged@example.com', password: 'correct horse battery' },
    });
    const token = auth.body.result!.data.token;
    await fetch(`${t.url}/trpc/accounts.me`, {
      headers: { authorization: `Bearer ${token}`, 'user-agent': 'e2e-agent' },
    });
    await t.stop();
    lines.end();
    const log = await collected;
    expect(log).toContain('e2e-agent');
    expect(log).toContain('[redacted]');
    expect(log).not.toContain(token);
  });
});

describe.each(DIALECTS)('failures on $name', (dialect) => {
  it('reports a lost database on /readyz and hides the details of the 500', async () => {
    const t = await startTestServer({ dialect });
    try {
      await t.server.db.close();
      const ready = await fetch(`${t.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({
        status: 'unavailable',
        checks: [
          { name: 'database', ok: false },
          { ok: true },
          { name: 'free space', ok: true },
          { name: 'node lease', ok: true },
          { name: 'video tools', ok: true, required: false },
        ],
      });
      const failed = await callTrpc(t.url, 'accounts.register', {
        input: { username: 'late', email: 'late@example.com', password: 'correct horse battery' },
      });
      expect(failed.status).toBe(500);
      expect(failed.body.error?.message).toBe('Internal server error.');
      expect(failed.body.error?.data).toEqual({
        code: 'INTERNAL_SERVER_ERROR',
        httpStatus: 500,
        path: 'accounts.register',
        appCode: 'INTERNAL',
        requestId: expect.any(String),
      });
      expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    } finally {
      // The database is already closed; only the rest needs stopping.
      await t.server.app.close();
    }
  });
});

describe('scale-out configuration from URLs (Postgres when available, s3:// media)', () => {
  // The last dialect is Postgres when APERTURE_TEST_POSTGRES_URL is set (global setup says when not).
  const dialect = DIALECTS.at(-1)!;

  it(`serves /readyz and accounts with ${dialect.name} and an s3:// media URL`, async () => {
    const s3 = await startS3rver();
    const database = await dialect.create({ migrate: false });
    const databaseUrl =
      database.config.kind === 'postgres'
        ? `${database.config.url}${database.config.url.includes('?') ? '&' : '?'}schema=${database.config.schema}`
        : `sqlite:${database.config.path}`;
    const config = loadConfig({
      APERTURE_DATA_DIR: await mkdtemp(join(tmpdir(), 'aperture-s3-')),
      APERTURE_DATABASE_URL: databaseUrl,
      APERTURE_MEDIA_URL: `s3://${s3.bucket}?endpoint=${encodeURIComponent(s3.endpoint)}&region=us-east-1&forcePathStyle=true`,
      APERTURE_PORT: '0',
      APERTURE_LOG_LEVEL: 'silent',
      AWS_ACCESS_KEY_ID: 'S3RVER',
    });
    expect(config.media).toEqual({
      kind: 's3',
      bucket: s3.bucket,
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
    });
    process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
    process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
    const server = await createServer(config);
    try {
      const url = await server.start();
      const ready = await fetch(`${url}/readyz`);
      expect(await ready.json()).toMatchObject({
        status: 'ready',
        checks: [
          { ok: true },
          { name: 'media (s3)', ok: true },
          { name: 'free space', ok: true },
          { name: 'node lease', ok: true },
          { name: 'video tools', ok: true, required: false },
        ],
      });
      expect(ready.status).toBe(200);
      const registered = await callTrpc(url, 'accounts.register', {
        input: { username: 'scaled', email: 'scaled@example.com', password: 'correct horse battery' },
      });
      expect(registered.status).toBe(200);
      const login = await callTrpc<{ token: string }>(url, 'accounts.login', {
        input: { username: 'scaled', password: 'correct horse battery' },
      });
      const me = await callTrpc<{ username: string }>(url, 'accounts.me', {
        type: 'query',
        token: login.body.result!.data.token,
      });
      expect(me.body.result?.data.username).toBe('scaled');
      const stored = await server.blobs.put('probe/readyz.txt', Buffer.from('s3 works'));
      expect(stored.size).toBe(8);
    } finally {
      await server.stop();
      await s3.stop();
      await database.cleanup();
    }
  });
});
