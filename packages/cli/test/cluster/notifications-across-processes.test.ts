import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ApertureClient, type LiveNotification } from '@aperture/sdk';
import { postgresTestUrl } from '../../../server/test/support/databases.js';
import { createCliHome, requireBuild, type CliHome } from '../support/cli.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';

const postgresUrl = postgresTestUrl();

/** Far beyond the test's bounds: what arrives in time was woken by LISTEN/NOTIFY, not found by a poll. */
const SAFETY_POLL_SECONDS = '600';

/** Resolves once `condition` holds, polling every 20 ms; fails after `timeoutMs`. */
async function until(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A deployment of three `aperture serve` processes on a fresh Postgres database: api A, api B and
 * a worker. A subscriber on A receives a notification caused through B: B appends the event, the
 * worker writes the notification, A's stream hears of it, each step woken across processes.
 */
describe.runIf(postgresUrl !== undefined)('a cluster of serve processes on Postgres', () => {
  const database = `aperture_cluster_${randomBytes(5).toString('hex')}`;
  let admin: pg.Client;
  let home: CliHome;
  const processes: ServeProcess[] = [];

  beforeAll(async () => {
    requireBuild();
    admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`create database "${database}"`);
    home = await createCliHome();
  });
  afterAll(async () => {
    for (const serve of processes) {
      if (serve.child.exitCode === null && serve.child.signalCode === null) serve.child.kill('SIGTERM');
    }
    await Promise.all(
      processes.map((serve) =>
        Promise.race([
          serve.exited,
          new Promise((resolve) => setTimeout(resolve, 15_000)).then(() => serve.child.kill('SIGKILL')),
        ]),
      ),
    );
    await admin?.query(`drop database if exists "${database}" with (force)`);
    await admin?.end();
    await home?.cleanup();
  }, 60_000);

  it('delivers to a subscriber on api A a notification caused through api B', async () => {
    const databaseUrl = new URL(postgresUrl!);
    databaseUrl.pathname = `/${database}`;
    const env = (name: string, role: string, nodeId: string): NodeJS.ProcessEnv => ({
      ...home.env,
      APERTURE_DATA_DIR: join(home.dir, name),
      APERTURE_DATABASE_URL: databaseUrl.toString(),
      // Shared by every process of a deployment: the blob store and the signing secret.
      APERTURE_MEDIA_URL: `file:${join(home.dir, 'media')}`,
      APERTURE_SECRET: `cluster-test-secret-${database}`,
      APERTURE_PORT: '0',
      APERTURE_ROLE: role,
      // Unniced: other test files keep the cores busy (priorities are serve.test.ts's subject).
      APERTURE_NICE: '0',
      APERTURE_NODE_ID: nodeId,
      APERTURE_SAFETY_POLL_SECONDS: SAFETY_POLL_SECONDS,
      APERTURE_LOG_LEVEL: 'warn',
    });
    // The first one migrates the fresh database; the others then find it ready.
    const apiA = await startServe(env('a', 'api', '1'), 60_000);
    processes.push(apiA);
    const [apiB, worker] = await Promise.all([
      startServe(env('b', 'api', '2'), 60_000),
      startServe(env('w', 'worker', '3'), 60_000),
    ]);
    processes.push(apiB, worker);

    const password = 'correct horse battery staple';
    const ana: ApertureClient = createClient({ url: apiA.url });
    const bob: ApertureClient = createClient({ url: apiB.url });
    const me = await ana.auth.register({ username: 'ana', email: 'ana@example.com', password });
    await bob.auth.register({ username: 'bob', email: 'bob@example.com', password });
    // Uploaded to A, processed by the worker (woken by A), published on A.
    const image = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3366aa' } })
      .jpeg()
      .toBuffer();
    const post = await ana.posts.publish(new Uint8Array(image));

    const received: { at: number; notification: LiveNotification }[] = [];
    const stop = new AbortController();
    // From the start of time, so nothing is lost to when the stream happens to open.
    const subscription = (async () => {
      for await (const notification of ana.notifications.subscribe({ signal: stop.signal, lastEventId: '0' })) {
        received.push({ at: performance.now(), notification });
      }
    })();
    try {
      // Once the follow is on A's stream, the stream is open and caught up: what follows is live.
      await bob.graph.follow(me.user.id);
      await until('the follow reaches the subscriber on A', () => received.length === 1, 30_000);
      expect(received[0]!.notification).toMatchObject({ kind: 'follow' });

      const likedAt = performance.now();
      await bob.likes.like(post.id);
      await until('the like reaches the subscriber on A', () => received.length === 2, 30_000);
      const latency = received[1]!.at - likedAt;
      console.info(`[cluster] like through api B → worker → subscriber on api A: ${latency.toFixed(0)} ms`);
      expect(received[1]!.notification).toMatchObject({ kind: 'like', post: { id: post.id } });
      // Generous for a noisy shared machine, yet far below the 600 s polls.
      expect(latency).toBeLessThan(5_000);
    } finally {
      stop.abort();
      await subscription.catch(() => undefined);
    }
    for (const serve of processes) expect(serve.output.stderr).not.toMatch(/"level":(50|60)/);
  }, 120_000);
});
