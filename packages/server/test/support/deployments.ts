import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import sharp from 'sharp';
import type { Kysely } from 'kysely';

import { createServer, loadConfig, type ApertureServer, type Config } from '../../src/index.js';
import { readCatalog } from '../../src/db/catalog.js';
import { openDatabase, type Db } from '../../src/db/connect.js';
import { createBlobStore, type BlobStore } from '../../src/storage/index.js';
import type { TestDialect } from './databases.js';
import { startS3rver, type S3rverHarness } from './s3rver.js';
import { TEST_RATE_LIMITS, callTrpc } from './server.js';
import { putTo, sha256, uploadReady, waitForMedia, type Target } from './media.js';
import { scene } from '../fixtures/scenes.js';
import { signUp } from './users.js';

/** A deployment's storage with no server running: a fresh database of `dialect` and a fresh blob store. */
export interface Deployment {
  label: string;
  config: Config;
  s3: S3rverHarness | undefined;
  /** The real server on a free port over this storage; `stop` stops the server only. */
  serve(): Promise<{ url: string; server: ApertureServer; stop: () => Promise<void> }>;
  open(): Promise<{ db: Db; blobs: BlobStore; close: () => Promise<void> }>;
  cleanup(): Promise<void>;
}

export async function createDeployment(dialect: TestDialect, media: 'disk' | 's3'): Promise<Deployment> {
  const dataDir = await mkdtemp(join(tmpdir(), 'aperture-deploy-'));
  const database = await dialect.create({ migrate: false });
  // The database is opened again by whoever uses it; this handle only serves the cleanup.
  const s3 = media === 's3' ? await startS3rver() : undefined;
  process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
  const base = loadConfig({
    APERTURE_DATA_DIR: dataDir,
    APERTURE_PORT: '0',
    APERTURE_LOG_LEVEL: 'silent',
    ...TEST_RATE_LIMITS,
    // The write limits at their defaults (far above what the world writes), so their buckets exist.
    APERTURE_WRITE_LIMITS: '',
    APERTURE_WRITE_LIMITS_NEW_ACCOUNT: '',
    APERTURE_WRITE_LIMITS_PER_ADDRESS: '',
  });
  const config: Config = {
    ...base,
    database: database.config,
    media: s3
      ? { kind: 's3', bucket: s3.bucket, region: 'us-east-1', endpoint: s3.endpoint, forcePathStyle: true }
      : base.media,
  };
  return {
    label: `${dialect.name}+${media}`,
    config,
    s3,
    async serve() {
      const server = await createServer(config);
      const url = await server.start();
      return { url, server, stop: () => server.stop() };
    },
    async open() {
      const db = await openDatabase(config.database);
      const blobs = createBlobStore(config.media, { secret: 'x'.repeat(32), publicUrl: () => 'http://127.0.0.1' });
      return {
        db,
        blobs,
        close: async () => {
          await blobs.close();
          await db.close();
        },
      };
    },
    async cleanup() {
      await s3?.stop();
      await database.cleanup();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A small JPEG of one colour: different colours, different bytes. */
export function photo(red: number): Promise<Buffer> {
  return sharp({ create: { width: 48, height: 32, channels: 3, background: { r: red, g: 90, b: 160 } } })
    .jpeg()
    .toBuffer();
}

/**
 * Fills every table through the API: accounts and sessions, a failed sign-in, photos with their
 * derivatives and an avatar, a post with a hashtag (tags, search index, idempotency key), follows
 * active and pending, timelines, likes, a comment with a reply, blocks, mutes, notifications and
 * the outbox events behind them, write-limit buckets, a word filter and the comment it holds, a
 * report and the moderation action on it, an account export, and a media blocklist entry with an
 * upload it refused.
 */
export async function buildWorld(
  url: string,
  // Structural, so the CLI's tests can pass the server they import from its build.
  server: {
    settle(): Promise<void>;
    services: { wordFilters: { addAdminRule(term: string, action: 'reject' | 'hold'): Promise<void> } };
  },
): Promise<{ tokens: Record<string, string> }> {
  const call = async (path: string, token: string | undefined, input: unknown) => {
    const response = await callTrpc<Record<string, unknown>>(url, path, { ...(token ? { token } : {}), input });
    if (!response.body.result) throw new Error(`${path}: ${JSON.stringify(response.body)}`);
    return response.body.result.data;
  };
  const ana = await signUp(url, 'anna');
  const ben = await signUp(url, 'benny');
  const cy = await signUp(url, 'cyd');
  await callTrpc(url, 'accounts.login', { input: { username: 'anna', password: 'not the password' } });
  const avatar = await uploadReady(url, ana.token, await photo(10));
  const first = await uploadReady(url, ana.token, await photo(120));
  const second = await uploadReady(url, ana.token, await photo(240));
  await call('accounts.setAvatar', ana.token, { mediaId: avatar });
  await call('graph.follow', ben.token, { username: 'anna' });
  await call('accounts.update', cy.token, { isPrivate: true });
  await call('graph.follow', ana.token, { username: 'cyd' });
  const post = await call('posts.create', ana.token, {
    mediaIds: [first, second],
    caption: 'Evening light #sunset over the harbour',
    idempotencyKey: 'first-post',
  });
  const postId = String(post['id']);
  await call('likes.like', ben.token, { postId });
  const comment = await call('comments.create', ben.token, { postId, body: 'Lovely @anna' });
  await call('comments.create', ana.token, { postId, body: 'Thanks!', parentId: String(comment['id']) });
  await call('graph.mute', ana.token, { username: 'benny' });
  await call('graph.block', cy.token, { username: 'benny' });
  // A word filter rule and a comment it holds (`word_filters`, `content_holds`); every write above
  // was charged to the write limits (`write_limits`).
  await server.services.wordFilters.addAdminRule('spoiler', 'hold');
  await call('comments.create', ben.token, { postId, body: 'Big spoiler ahead' });
  // A report, and the instance's admin (its first account) dismissing it (`reports`, `moderation_log`).
  const target = { kind: 'post', id: postId };
  await call('reports.create', cy.token, { target, reason: 'spam', note: 'Looks like an ad' });
  await call('moderation.dismiss', ana.token, { target, reason: 'Not spam' });
  // An export, so `account_exports` has a row and the store an archive (built by the settle or the worker).
  await call('accounts.export', ana.token, undefined);
  const picture = await scene(21, { width: 320, height: 240 });
  const blocked = await uploadReady(url, cy.token, picture);
  await call('blocklist.add', ana.token, { mediaId: blocked, reason: 'a test entry' });
  // Not quality 80: that would be byte for byte its w320.webp derivative, one blob the backup stores once.
  const copy = await sharp(picture).webp({ quality: 70 }).toBuffer();
  const started = await call('media.createUpload', cy.token, {
    size: copy.length,
    contentType: 'image/webp',
    sha256: sha256(copy),
  });
  await putTo(started['target'] as Target, copy);
  await call('media.completeUpload', cy.token, { uploadId: started['uploadId'] });
  const refused = await waitForMedia(url, cy.token, String(started['mediaId']));
  if (refused.failureCode !== 'MEDIA_BLOCKED') throw new Error(`the copy was not refused: ${JSON.stringify(refused)}`);
  await server.settle();
  return { tokens: { anna: ana.token, benny: ben.token, cyd: cy.token } };
}

/** Every row of every table the catalog lists (the caption index aside), in primary-key order. */
export async function dumpTables(db: Db): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  const any = db.kysely as unknown as Kysely<Record<string, Record<string, unknown>>>;
  for (const table of await readCatalog(db)) {
    // The caption index is compared on its own; node leases are the processes', never backed up.
    if (table.name === 'post_search' || table.name === 'node_leases') continue;
    let query = any.selectFrom(table.name).selectAll();
    for (const column of table.primaryKey) query = query.orderBy(column);
    out[table.name] = await query.execute();
  }
  return out;
}

/** Every blob under Aperture's prefixes, by key: its bytes. */
export async function dumpBlobs(blobs: BlobStore): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const prefix of ['originals/', 'media/', 'uploads/']) {
    for await (const info of blobs.list(prefix)) {
      const { body } = await blobs.get(info.key);
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(chunk as Buffer);
      out.set(info.key, Buffer.concat(chunks));
    }
  }
  return out;
}
