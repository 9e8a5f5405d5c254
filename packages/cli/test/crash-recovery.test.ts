import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { sql } from 'kysely';
import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ApertureClient } from '@aperture/sdk';
import type { StorageReport } from '@aperture/server';
import { openDatabase, type DatabaseConfig, type Db } from '../../server/src/db/index.js';
import { postgresDialect, postgresTestUrl, type TestDatabase } from '../../server/test/support/databases.js';
import { S3RVER_CREDENTIALS, startS3rver, type S3rverHarness } from '../../server/test/support/s3rver.js';
import { createCliHome, requireBuild, type CliHome } from './support/cli.js';
import { mulberry32 } from '@aperture/loadgen/random';
import { startServe, type ServeProcess } from './support/serve-process.js';

// The real `aperture serve` is killed with SIGKILL at a seeded random moment of mixed uploads and
// posts, then restarted with the same pinned node id. Replay a run with APERTURE_CRASH_SEED=<seed>.
const SEED = process.env['APERTURE_CRASH_SEED'] ? Number(process.env['APERTURE_CRASH_SEED']) : randomInt(1, 2 ** 31);
const NODE_ID = '17';
/** Well under the 30 s lease: only releasing the dead process's leases at start makes this. */
const RECOVERY_BOUND_MS = 20_000;

const postgresUrl = postgresTestUrl();
const PAIRS = [
  { name: 'SQLite + disk', database: 'sqlite' as const, media: 'disk' as const },
  // S3 with Postgres when configured (CI), else with SQLite; the server suite says loudly when.
  {
    name: `${postgresUrl ? 'Postgres' : 'SQLite'} + S3`,
    database: postgresUrl ? ('postgres' as const) : ('sqlite' as const),
    media: 's3' as const,
  },
];

let home: CliHome | undefined;
let server: ServeProcess | undefined;
let s3: S3rverHarness | undefined;
let pg: TestDatabase | undefined;
/** The test's own connection to the server's database, to see leases and the outbox. */
let monitor: Db | undefined;

beforeAll(() => {
  requireBuild();
  console.log(`[crash test] seed ${SEED} (replay: APERTURE_CRASH_SEED=${SEED})`);
});
afterEach(async () => {
  if (server && server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  server = undefined;
  await monitor?.close();
  monitor = undefined;
  await s3?.stop();
  s3 = undefined;
  await pg?.cleanup();
  pg = undefined;
  await home?.cleanup();
  home = undefined;
});

/** A distinct JPEG of 1600 × 1200 (blocks of seeded colour): big enough to keep the processor busy. */
async function image(random: () => number): Promise<Buffer> {
  const cells = Buffer.from(Array.from({ length: 32 * 24 * 3 }, () => Math.floor(random() * 256)));
  return sharp(cells, { raw: { width: 32, height: 24, channels: 3 } })
    .resize(1600, 1200, { kernel: 'nearest' })
    .jpeg({ quality: 92 })
    .toBuffer();
}

describe.each(PAIRS)('kill -9 and restart on $name', (pair) => {
  it('loses no acknowledged write, resumes leased work at once, and leaves rows and blobs matching', async () => {
    const random = mulberry32(SEED + (pair.media === 's3' ? 1 : 0));
    home = await createCliHome();
    const dataDir = join(home.dir, 'data');
    let database: DatabaseConfig = { kind: 'sqlite', path: join(dataDir, 'aperture.db') };
    const env: NodeJS.ProcessEnv = {
      ...home.env,
      APERTURE_DATA_DIR: dataDir,
      APERTURE_PORT: '0',
      APERTURE_NODE_ID: NODE_ID,
      APERTURE_LOG_LEVEL: 'info',
    };
    if (pair.database === 'postgres') {
      pg = await postgresDialect(postgresUrl!).create({ migrate: false });
      database = pg.config;
      const schema = pg.config.kind === 'postgres' ? pg.config.schema : undefined;
      env['APERTURE_DATABASE_URL'] = `${postgresUrl}${postgresUrl!.includes('?') ? '&' : '?'}schema=${schema}`;
    }
    if (pair.media === 's3') {
      s3 = await startS3rver();
      env['APERTURE_MEDIA_URL'] =
        `s3://${s3.bucket}?endpoint=${encodeURIComponent(s3.endpoint)}&forcePathStyle=true&region=us-east-1`;
      env['AWS_ACCESS_KEY_ID'] = S3RVER_CREDENTIALS.accessKeyId;
      env['AWS_SECRET_ACCESS_KEY'] = S3RVER_CREDENTIALS.secretAccessKey;
    }
    const images = await Promise.all(Array.from({ length: 24 }, () => image(random)));

    server = await startServe(env);
    // The server has migrated the database by now.
    const db = await openDatabase(database);
    monitor = db;
    const ackedUploads = new Set<string>();
    const ackedPosts = new Set<string>();
    // Watches the answers the server sent: a completed upload is acknowledged when its answer
    // arrives, whether or not the SDK lives to see the photo ready.
    const client = (): ApertureClient =>
      createClient({
        url: server!.url,
        retry: { retries: 0 },
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          const procedures = new URL(String(input instanceof Request ? input.url : input)).pathname
            .replace(/^\/trpc\//, '')
            .split(',');
          if (response.ok && procedures.includes('media.completeUpload')) {
            const body = (await response.clone().json()) as { result?: { data?: { id?: string } } }[];
            procedures.forEach((name, i) => {
              const id = body[i]?.result?.data?.id;
              if (name === 'media.completeUpload' && id) ackedUploads.add(id);
            });
          }
          return response;
        },
      });
    const password = 'correct horse battery staple';
    const [alice, bob, carol] = [client(), client(), client()];
    const me = await alice.auth.register({ username: 'alice', email: 'alice@example.com', password });
    await bob.auth.register({ username: 'bob', email: 'bob@example.com', password });
    await carol.auth.register({ username: 'carol', email: 'carol@example.com', password });
    await bob.graph.follow(me.user.id);
    await carol.graph.follow(me.user.id);

    // Mixed traffic: two posters (upload, wait, publish) and an uploader, until the kill.
    const killAfter = 2 + Math.floor(random() * 5);
    const killDelayMs = Math.floor(random() * 600);
    let killed = false;
    let next = 0;
    const take = () => (next < images.length ? images[next++] : undefined);
    const acks = () => ackedUploads.size + ackedPosts.size;
    const worker = async (work: (photo: Buffer, n: number) => Promise<void>) => {
      for (let photo = take(); photo && !killed; photo = take()) {
        await work(photo, next).catch(() => undefined);
      }
    };
    const publish = (who: ApertureClient) => async (photo: Buffer, n: number) => {
      const post = await who.posts.publish(photo, { caption: `crash ${n} #recovery` });
      if (!killed) ackedPosts.add(post.id);
    };
    const traffic = Promise.all([
      worker(publish(alice)),
      worker(publish(alice)),
      worker(async (photo) => void (await bob.media.upload(photo))),
    ]);
    const started = Date.now();
    while (acks() < killAfter && Date.now() - started < 30_000) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, killDelayMs));
    // Then the first moment it holds a lease (it is processing an image): the case a restart must
    // not wait out. The processor is busy nearly all the time, so this is a few milliseconds.
    for (const until = Date.now() + 5_000; Date.now() < until; await new Promise((r) => setTimeout(r, 5))) {
      if ((await heldLeases(db)).media > 0) break;
    }
    killed = true;
    server.child.kill('SIGKILL');
    expect((await server.exited).signal).toBe('SIGKILL');
    await traffic;
    console.log(
      `[crash test] ${pair.name}: killed after ${acks()} acknowledgements (+${killDelayMs} ms): ` +
        `${ackedUploads.size} uploads, ${ackedPosts.size} posts; leases held by node id ${NODE_ID}: ` +
        JSON.stringify(await heldLeases(db)),
    );
    expect(ackedUploads.size).toBeGreaterThan(0);

    const restartedAt = Date.now();
    server = await startServe(env);
    const upAfterMs = Date.now() - restartedAt;
    const readers = [alice, bob].map((c) => createClient({ url: server!.url, token: c.token, retry: { retries: 0 } }));
    const deadline = restartedAt + RECOVERY_BOUND_MS;
    const recovered = async () => {
      for (const id of ackedUploads) {
        const owner = (await readers[0]!.media.get(id).catch(() => undefined)) ?? (await readers[1]!.media.get(id));
        if (owner.status !== 'ready') return `media ${id} is ${owner.status}`;
      }
      for (const id of ackedPosts) {
        const post = await readers[0]!.posts.get(id);
        if (post.media.length === 0 || post.media.some((m) => m.urls.thumb === undefined)) {
          return `post ${id} lost its photo`;
        }
      }
      const undelivered = await pendingEvents(db);
      return undelivered === 0 ? undefined : `${undelivered} outbox events not delivered`;
    };
    let waitingFor = await recovered();
    while (waitingFor !== undefined && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      waitingFor = await recovered();
    }
    const recoveredAfterMs = Date.now() - restartedAt;
    const released = /"media":(\d+),"events":(\d+).*released the leases/.exec(server.output.stderr);
    console.log(
      `[crash test] ${pair.name}: up again in ${upAfterMs} ms, every acknowledged write ready in ` +
        `${recoveredAfterMs} ms; leases released at start: ${released ? `${released[1]} media, ${released[2]} events` : 'none'}`,
    );
    expect(waitingFor, `not recovered within ${RECOVERY_BOUND_MS} ms`).toBeUndefined();

    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });

    // With no server running nothing is in flight, so --grace 0 judges every leftover.
    const verify = async (...extra: string[]) => {
      const result = await home!.run(['--json', 'admin', 'verify', '--grace', '0', ...extra], { env });
      return { code: result.code, report: JSON.parse(result.stdout) as StorageReport, stderr: result.stderr };
    };
    const found = await verify();
    console.log(`[crash test] ${pair.name}: left by the crash: ${JSON.stringify(found.report.orphans)}`);
    expect(found.report.missing, 'rows whose blobs are missing').toEqual([]);
    expect(found.code).toBe(found.report.problems === 0 ? 0 : 3);
    const repaired = await verify('--repair');
    expect(repaired.code, repaired.stderr).toBe(0);
    const clean = await verify();
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.report).toMatchObject({ problems: 0, missing: [], foreignKeys: 0 });
    for (const count of Object.values(clean.report.orphans)) expect(count).toEqual({ stale: 0, young: 0, removed: 0 });

    if (pair.database === 'sqlite') expect(await integrityCheck(db)).toBe('ok');
  }, 120_000);
});

/** What the killed process still held, as the database says. */
async function heldLeases(db: Db): Promise<{ media: number; events: number }> {
  // Every generation of the node id's holders: `node-17.<generation>`.
  const holder = `node-${NODE_ID}.%`;
  const media = await db.kysely.selectFrom('media').select('id').where('claimed_by', 'like', holder).execute();
  const events = await db.kysely.selectFrom('events').select('id').where('locked_by', 'like', holder).execute();
  return { media: media.length, events: events.length };
}

async function pendingEvents(db: Db): Promise<number> {
  return (await db.kysely.selectFrom('events').select('id').where('status', '!=', 'done').execute()).length;
}

async function integrityCheck(db: Db): Promise<string> {
  const { rows } = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db.kysely);
  return rows.map((r) => r.integrity_check).join('\n');
}
