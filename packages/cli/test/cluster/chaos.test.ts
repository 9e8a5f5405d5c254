import { randomBytes, randomInt } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type LiveNotification } from '@aperture/sdk';
import { mulberry32 } from '@aperture/loadgen/random';
import { openDatabase, type Db } from '../../../server/src/db/index.js';
import { decodeId } from '../../../server/src/ids/snowflake.js';
import { postgresTestUrl } from '../../../server/test/support/databases.js';
import { S3RVER_CREDENTIALS, startS3rver, type S3rverHarness } from '../../../server/test/support/s3rver.js';
import { createCliHome, requireBuild, type CliHome } from '../support/cli.js';
import { Cluster } from '../support/cluster.js';
import { counterDrift, lostWrites, timelineMismatches, unsettled } from '../support/cluster-checks.js';
import { ApiRouter, MixedLoad, type Actor } from '../support/mixed-load.js';

// Two api and two worker processes on one Postgres database and one S3 bucket, under mixed load
// through the SDK; one worker and one api are killed with SIGKILL mid-run. Replay the load's random
// choices with APERTURE_CHAOS_SEED=<seed> (the moments processes die still vary).
const SEED = process.env['APERTURE_CHAOS_SEED'] ? Number(process.env['APERTURE_CHAOS_SEED']) : randomInt(1, 2 ** 31);
const LOAD_MS = 20_000;
const KILL_WORKER_AT_MS = 6_000;
const KILL_API_AT_MS = 11_000;
// A worker killed mid-upload can leave a store request that never finishes; the S3 client gives up
// on it after 30 s idle and the item is retried, so settling may take that long and a retry more.
const SETTLE_MS = 120_000;
const postgresUrl = postgresTestUrl();

describe.runIf(postgresUrl !== undefined)('chaos: 2 api + 2 worker processes, one of each killed mid-load', () => {
  const database = `aperture_chaos_${randomBytes(5).toString('hex')}`;
  let admin: pg.Client;
  let home: CliHome;
  let s3: S3rverHarness;
  let monitor: Db | undefined;
  let cluster: Cluster | undefined;

  beforeAll(async () => {
    requireBuild();
    admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`create database "${database}"`);
    home = await createCliHome();
    s3 = await startS3rver();
  });
  afterAll(async () => {
    cluster?.stopWatching();
    await cluster?.stopAll();
    await monitor?.close();
    await s3?.stop();
    await admin?.query(`drop database if exists "${database}" with (force)`);
    await admin?.end();
    await home?.cleanup();
  }, 60_000);

  it('loses no acknowledged write, keeps timelines and counters exact, and streams across processes', async () => {
    console.log(`[chaos] seed ${SEED} (replay: APERTURE_CHAOS_SEED=${SEED})`);
    const databaseUrl = new URL(postgresUrl!);
    databaseUrl.pathname = `/${database}`;
    const env: NodeJS.ProcessEnv = {
      ...home.env,
      APERTURE_DATABASE_URL: databaseUrl.toString(),
      APERTURE_MEDIA_URL: `s3://${s3.bucket}?endpoint=${encodeURIComponent(s3.endpoint)}&forcePathStyle=true&region=us-east-1`,
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      APERTURE_SECRET: `chaos-test-secret-${database}`,
      APERTURE_PORT: '0',
      // Every post is pushed, so the timeline table alone says who must see it.
      APERTURE_CELEBRITY_FOLLOWERS: '100000',
      // Every sign-up comes from 127.0.0.1, and the mixed load writes faster than a person.
      APERTURE_RATE_LIMIT_PASSWORD_PER_MIN: '0',
      APERTURE_WRITE_LIMITS: 'off',
      APERTURE_WRITE_LIMITS_NEW_ACCOUNT: 'off',
      APERTURE_WRITE_LIMITS_PER_ADDRESS: 'off',
      APERTURE_LOG_LEVEL: 'warn',
    };
    // The first process migrates the fresh database; the others start together once it has.
    const first = await openClusterWith(env);
    const [apiA, apiB] = [first.apiA, first.apiB];
    const c = first.cluster;
    const db = first.monitor.kysely;
    const stopStream = new AbortController();
    try {
      const router = new ApiRouter([apiA.serve.url, apiB.serve.url]);
      const load = new MixedLoad(router, mulberry32(SEED), 'chaos');
      const actors: Actor[] = [];
      for (let i = 0; i < 8; i++) {
        const actor = await load.signUp(i);
        if (!actor) throw new Error(`sign-up failed: ${JSON.stringify(load.ledger.failures)}`);
        actors.push(actor);
      }
      const star = actors[0]!;
      for (const actor of actors.slice(1)) await load.follow(actor, star.id);

      // The star's live stream stays on api A; what actors do through api B must reach it.
      const received: LiveNotification[] = [];
      const streamClient = createClient({ url: apiA.serve.url, token: star.client.token });
      const stream = (async () => {
        for await (const n of streamClient.notifications.subscribe({ signal: stopStream.signal, lastEventId: '0' })) {
          received.push(n);
        }
      })();

      const loadStart = Date.now();
      c.watchLeases();
      for (const actor of actors) load.run(actor, star.id, loadStart + LOAD_MS);

      await sleepUntil(loadStart + KILL_WORKER_AT_MS);
      const deadWorker = c.members.find((m) => m.role === 'worker')!;
      await c.kill(deadWorker);
      // Its replacement on this machine takes the lowest free node id and frees the dead one's leases.
      const replacement = await c.start('w3', 'worker');
      console.log(
        `[chaos] killed ${deadWorker.name} (node ${deadWorker.nodeId}); ${replacement.name} took node ${replacement.nodeId}`,
      );

      await sleepUntil(loadStart + KILL_API_AT_MS);
      const apiKilledAt = Date.now();
      apiB.serve.child.kill('SIGKILL');
      router.markDead(1);
      await apiB.serve.exited;
      console.log(`[chaos] killed b (node ${apiB.nodeId}) at ${apiKilledAt - loadStart} ms`);

      const finished = load.finished();
      const stuck = new Promise<void>((_, reject) =>
        setTimeout(() => reject(new Error(`the load did not finish: ${load.pending().join(', ')}`)), 90_000).unref(),
      );
      await Promise.race([finished, stuck]);
      console.log(`[chaos] load finished ${Date.now() - loadStart - LOAD_MS} ms after its end`);
      const { ledger } = load;
      const settleStart = Date.now();
      let waiting = await unsettled(db);
      while (waiting.length > 0 && Date.now() - settleStart < SETTLE_MS) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        waiting = await unsettled(db);
      }
      console.log(
        `[chaos] ${ledger.ops} calls in ${LOAD_MS / 1000} s: ${ledger.users.size} users, ${ledger.posts.size} posts, ` +
          `${ledger.likes.length} likes, ${ledger.comments.size} comments, ${ledger.follows.length} follows acknowledged; ` +
          `${ledger.failures.length} failed; settled in ${Date.now() - settleStart} ms`,
      );
      if (waiting.length > 0) {
        console.error(`[chaos] not settled: ${waiting.join('; ')}; S3 requests unanswered: ${s3.pending().join(', ')}`);
      }
      expect(waiting, 'settled').toEqual([]);

      // The stream on A: every follow of the star, like of a star's post and comment on one.
      const starPosts = new Set([...ledger.posts].filter(([, p]) => p.authorId === star.id).map(([id]) => id));
      const expected = new Set([
        ...ledger.follows.filter((f) => f.followeeId === star.id).map((f) => `follow ${f.followerId}`),
        ...ledger.likes.filter((l) => starPosts.has(l.postId) && l.userId !== star.id).map((l) => `like ${l.postId}`),
        ...[...ledger.comments]
          .filter(([, cm]) => starPosts.has(cm.postId) && cm.authorId !== star.id)
          .map(([id]) => `comment ${id}`),
      ]);
      const viaB = ledger.follows.filter((f) => f.followeeId === star.id && f.via === 1).length;
      const heard = () =>
        new Set(
          received.map((n) =>
            n.kind === 'follow'
              ? `follow ${n.actor.id}`
              : n.kind === 'like'
                ? `like ${n.post?.id}`
                : `comment ${n.commentId}`,
          ),
        );
      const streamDeadline = Date.now() + 30_000;
      while ([...expected].some((k) => !heard().has(k)) && Date.now() < streamDeadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      stopStream.abort();
      await stream.catch(() => undefined);
      expect(viaB, 'follows of the star made through api B').toBeGreaterThan(0);
      expect(
        [...expected].filter((k) => !heard().has(k)),
        'notifications missing from the stream on api A',
      ).toEqual([]);

      // Only calls in flight when api B died may fail; none acknowledged may be missing.
      const unexpected = ledger.failures.filter(
        (f) => !(f.startedAt <= apiKilledAt + 1_000 && f.endedAt >= apiKilledAt),
      );
      expect(unexpected, 'calls that failed though no api died under them').toEqual([]);
      expect(await lostWrites(db, ledger), 'acknowledged writes missing').toEqual([]);
      const timeline = await timelineMismatches(db);
      expect(timeline, 'timeline rows').toEqual({ missing: [], extra: [], duplicated: 0 });
      const drift = await counterDrift(db);
      expect(
        Object.values(drift).every((n) => n === 0),
        `counters a recount would fix: ${JSON.stringify(drift)}`,
      ).toBe(true);

      // Node ids: never two live processes with one, and every post id minted by a live api's.
      c.stopWatching();
      expect(c.sightingCount).toBeGreaterThan(0);
      expect(c.nodeIdConflicts()).toEqual([]);
      const apiNodes = new Set([apiA.nodeId, apiB.nodeId]);
      for (const id of ledger.posts.keys()) {
        const { nodeId, timestamp } = decodeId(id);
        expect(apiNodes.has(nodeId) && c.ranWithNode(nodeId, timestamp.getTime(), 1_000), `post ${id}`).toBe(true);
      }
      expect(ledger.posts.size).toBeGreaterThan(10);
      expect(ledger.likes.length + ledger.comments.size).toBeGreaterThan(10);
      for (const m of c.members) expect(m.serve.output.stderr, m.name).not.toMatch(/"level":60/);
    } catch (error) {
      stopStream.abort();
      console.error(`[chaos] seed ${SEED}; the processes said:\n${c.report()}`);
      throw error;
    }
  }, 300_000);

  async function openClusterWith(env: NodeJS.ProcessEnv) {
    const databaseUrl = env['APERTURE_DATABASE_URL']!;
    // Opening migrates nothing: the first process migrates before the monitor reads node_leases.
    monitor = await openDatabase({ kind: 'postgres', url: databaseUrl });
    cluster = new Cluster(env, home.dir, monitor.kysely);
    const apiA = await cluster.start('a', 'api');
    const [apiB] = await Promise.all([
      cluster.start('b', 'api'),
      cluster.start('w1', 'worker'),
      cluster.start('w2', 'worker'),
    ]);
    return { cluster, apiA, apiB, monitor };
  }
});

function sleepUntil(at: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
}
