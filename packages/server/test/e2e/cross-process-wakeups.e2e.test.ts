import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, loadConfig, type ApertureServer, type Config } from '../../src/index.js';
import { createIdGenerator } from '../../src/ids/snowflake.js';
import { photo } from '../fixtures/images.js';
import { postgresDialect, postgresTestUrl, type TestDatabase } from '../support/databases.js';
import { withApplicationName } from '../support/pg-activity.js';
import { insertReadyMedia, putTo, sha256, type Target } from '../support/media.js';
import { callTrpc, TEST_RATE_LIMITS } from '../support/server.js';
import { signUp, type SignedUp } from '../support/users.js';

const url = postgresTestUrl();
/** Ids for rows the test writes itself, as another process would (node id none of the servers has). */
const ids = createIdGenerator({ nodeId: 8_000, clock: () => Date.now() });

/** The safety-net polls of every server here: far longer than any test, so only a wake-up explains speed. */
const SAFETY_POLL_SECONDS = '600';

interface Peer {
  server: ApertureServer;
  url: string;
  /** The application_name of its connections, to find its listening backend. */
  appName: string;
}

/** Resolves once `condition` holds, polling every 10 ms; fails after `timeoutMs`. */
async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * An open `notifications.onNew` SSE stream: its events as they arrive, and how it ended. With
 * `lastEventId`, what was written after it is delivered too, however late the stream starts reading.
 */
function openStream(base: string, token: string, lastEventId?: string) {
  const abort = new AbortController();
  const events: { at: number; data: string }[] = [];
  let ended: { at: number; text: string } | undefined;
  const query = new URLSearchParams({
    input: JSON.stringify(lastEventId === undefined ? {} : { lastEventId }),
    connectionParams: JSON.stringify({ token }),
  });
  const done = (async () => {
    const response = await fetch(`${base}/trpc/notifications.onNew?${query.toString()}`, { signal: abort.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let all = '';
    for (;;) {
      const { value, done: finished } = await reader.read();
      if (finished) break;
      const text = decoder.decode(value, { stream: true });
      all += text;
      buffer += text;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).trim())
          .join('\n');
        if (data.includes('"kind"')) events.push({ at: performance.now(), data });
      }
    }
    ended = { at: performance.now(), text: all };
  })().catch(() => undefined);
  return {
    events,
    get ended() {
      return ended;
    },
    async close() {
      abort.abort();
      await done;
    },
  };
}

/**
 * Three servers in one test process over one Postgres schema, as three processes of a deployment:
 * `a` and `b` serve the API, `w` does the background work. Their polls are set far beyond the
 * tests' bounds, so what arrives in time arrived by LISTEN/NOTIFY.
 */
describe.runIf(url !== undefined)('processes sharing Postgres wake each other (LISTEN/NOTIFY)', () => {
  const tag = randomBytes(4).toString('hex');
  let database: TestDatabase;
  let dataDir: string;
  let admin: pg.Client;
  let a: Peer;
  let b: Peer;
  let w: Peer;
  let ana: SignedUp;
  let bob: SignedUp;
  let cy: SignedUp;

  async function startPeer(name: string, role: 'api' | 'worker'): Promise<Peer> {
    const appName = `aperture_${name}_${tag}`;
    const withName = withApplicationName(url!, appName);
    const base = loadConfig({
      APERTURE_DATA_DIR: join(dataDir, name),
      // Shared, as processes of one deployment share them: the blob store and the signing secret.
      APERTURE_MEDIA_URL: `file:${join(dataDir, 'media')}`,
      APERTURE_SECRET: `cross-process-test-secret-${tag}-0123456789`,
      APERTURE_PORT: '0',
      APERTURE_LOG_LEVEL: 'silent',
      APERTURE_ROLE: role,
      APERTURE_SAFETY_POLL_SECONDS: SAFETY_POLL_SECONDS,
      ...TEST_RATE_LIMITS,
    });
    const config: Config = {
      ...base,
      database: { kind: 'postgres', url: withName, schema: database.db.schema! },
    };
    const server = await createServer(config);
    const serverUrl = await server.start();
    await server.background.wakeups.listening();
    return { server, url: serverUrl, appName };
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'aperture-wakeups-'));
    database = await postgresDialect(url!).create();
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
    a = await startPeer('a', 'api');
    b = await startPeer('b', 'api');
    w = await startPeer('w', 'worker');
    ana = await signUp(a.url, 'ana');
    bob = await signUp(a.url, 'bob');
    cy = await signUp(a.url, 'cyd');
  }, 60_000);
  afterAll(async () => {
    for (const peer of [a, b, w]) await peer?.server.stop();
    await admin?.end();
    await database?.cleanup();
    await rm(dataDir, { recursive: true, force: true });
  });

  const newPost = async (author: SignedUp) => {
    const mediaId = await insertReadyMedia(database.db.kysely, author.id);
    const made = await callTrpc<{ id: string }>(a.url, 'posts.create', {
      token: author.token,
      input: { mediaIds: [mediaId] },
    });
    return made.body.result!.data.id;
  };

  it('an event appended by an api process is delivered by the worker process at once', async () => {
    const startedAt = performance.now();
    const postId = await newPost(ana);
    const pending = () => database.db.kysely.selectFrom('events').select('id').where('status', '!=', 'done').execute();
    await until('the worker delivered every event', async () => (await pending()).length === 0, 5_000);
    const latency = performance.now() - startedAt;
    console.info(`outbox: post ${postId} written on a, delivered by w after ${latency.toFixed(0)} ms`);
    expect(latency).toBeLessThan(5_000);
  });

  it('an upload completed on an api process is processed by the worker process at once', async () => {
    const image = await photo({ width: 64, height: 48 });
    const created = await callTrpc<{ mediaId: string; uploadId: string; target: Target }>(a.url, 'media.createUpload', {
      token: ana.token,
      input: { size: image.length, contentType: 'image/jpeg', sha256: sha256(image) },
    });
    const { mediaId, uploadId, target } = created.body.result!.data;
    await putTo(target, image);
    const startedAt = performance.now();
    await callTrpc(a.url, 'media.completeUpload', { token: ana.token, input: { uploadId } });
    const status = async () =>
      (await database.db.kysely.selectFrom('media').select('status').where('id', '=', mediaId).executeTakeFirst())
        ?.status;
    await until('the worker processed the upload', async () => (await status()) === 'ready', 10_000);
    const latency = performance.now() - startedAt;
    console.info(`media: completed on a, ready from w after ${latency.toFixed(0)} ms`);
    expect(latency).toBeLessThan(10_000);
  });

  /**
   * Ana's stream open on b and past its start: a first like (by cy) has arrived, so the stream is
   * waiting for wake-ups and what arrives next arrives live. Returns the stream and a post to like.
   */
  const liveStreamOnB = async () => {
    const [probe, postId] = [await newPost(ana), await newPost(ana)];
    const newest = await database.db.kysely
      .selectFrom('notifications')
      .select((eb) => eb.fn.max('seq_id').as('seq_id'))
      .where('recipient_id', '=', ana.id)
      .executeTakeFirst();
    const stream = openStream(b.url, ana.token, String(newest?.seq_id ?? '0'));
    await callTrpc(a.url, 'likes.like', { token: cy.token, input: { postId: probe } });
    await until('the first like arrives on b', () => stream.events.length === 1, 10_000);
    return { stream, postId };
  };

  it('a like on one api process reaches a live stream open on another within a second', async () => {
    const { stream, postId } = await liveStreamOnB();
    try {
      const likedAt = performance.now();
      const liked = await callTrpc(a.url, 'likes.like', { token: bob.token, input: { postId } });
      expect(liked.status).toBe(200);
      await until('the notification arrives on b', () => stream.events.length === 2, 5_000);
      const latency = stream.events[1]!.at - likedAt;
      console.info(`notification: like on a, written by w, on b's stream after ${latency.toFixed(0)} ms`);
      expect(JSON.parse(stream.events[1]!.data)).toMatchObject({ kind: 'like', post: { id: postId } });
      expect(latency).toBeLessThan(1_000);
    } finally {
      await stream.close();
    }
  });

  it("the stream's process, its listening connection killed, reconnects, catches up and hears again", async () => {
    const listener = async () => {
      const { rows } = await admin.query<{ pid: number }>(
        `select pid from pg_stat_activity where application_name = $1 and query like 'LISTEN %'`,
        [b.appName],
      );
      return rows.map((row) => row.pid);
    };
    const [killed] = await listener();
    expect(killed).toBeDefined();
    const { stream, postId } = await liveStreamOnB();
    try {
      // A row whose wake-up never came (as if sent while the connection was down): with polls at
      // 600 s, only the reconnect's "anything may have been missed" delivers it.
      const now = new Date().toISOString();
      await database.db.kysely
        .insertInto('notifications')
        .values({
          ...{ id: ids.next(), recipient_id: ana.id, kind: 'follow', subject_key: cy.id, actor_id: cy.id },
          ...{ post_id: null, comment_id: null, actor_count: 1, seq_id: ids.next(), read_at: null },
          ...{ created_at: now, updated_at: now },
        })
        .execute();
      await admin.query('select pg_terminate_backend($1)', [killed]);
      await until('b listens on a new connection', async () => {
        const pids = await listener();
        return pids.length === 1 && pids[0] !== killed;
      });
      await until('the missed notification arrives on b', () => stream.events.length === 2, 5_000);
      expect(JSON.parse(stream.events[1]!.data)).toMatchObject({ kind: 'follow', actor: { id: cy.id } });

      await b.server.background.wakeups.listening();
      const likedAt = performance.now();
      await callTrpc(a.url, 'likes.like', { token: bob.token, input: { postId } });
      await until('the notification arrives on b', () => stream.events.length === 3, 5_000);
      const latency = stream.events[2]!.at - likedAt;
      console.info(`after the reconnect: like on a, on b's stream after ${latency.toFixed(0)} ms`);
      expect(latency).toBeLessThan(1_000);
    } finally {
      await stream.close();
    }
  });

  it('a session revoked on one api process ends its live stream on another with UNAUTHENTICATED', async () => {
    const stream = openStream(b.url, bob.token);
    await until('the stream is open on b', () => b.server.services.notifications.bus.streams === 1);
    const revokedAt = performance.now();
    const out = await callTrpc(a.url, 'accounts.logout', { token: bob.token });
    expect(out.status).toBe(200);
    await until('the stream on b ended', () => stream.ended !== undefined, 5_000);
    const latency = stream.ended!.at - revokedAt;
    console.info(`revocation: logout on a ended b's stream after ${latency.toFixed(0)} ms`);
    expect(stream.ended!.text).toContain('"appCode":"UNAUTHENTICATED"');
    expect(latency).toBeLessThan(1_000);
    await stream.close();
  });
});
