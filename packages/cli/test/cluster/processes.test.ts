import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseConfig } from '../../../server/src/db/index.js';
import { postgresDialect, postgresTestUrl, type TestDatabase } from '../../../server/test/support/databases.js';
import { noisePng, sha256, type Target } from '../../../server/test/support/media.js';
import { callTrpc } from '../../../server/test/support/server.js';
import { startSlowRequest } from '../../../server/test/support/slow-request.js';
import { registerUser } from '../../../server/test/support/users.js';
import { createCliHome, requireBuild, type CliHome } from '../support/cli.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';

const postgresUrl = postgresTestUrl();
const SECRET = 'a-secret-shared-by-every-process-of-the-deployment';

let home: CliHome | undefined;
let pg: TestDatabase | undefined;
const running: ServeProcess[] = [];

beforeAll(() => requireBuild());
afterEach(async () => {
  for (const serve of running.splice(0)) {
    if (serve.child.exitCode === null && serve.child.signalCode === null) serve.child.kill('SIGKILL');
    await serve.exited;
  }
  await pg?.cleanup();
  pg = undefined;
  await home?.cleanup();
  home = undefined;
});

/** One deployment: a database (a fresh Postgres schema, or a SQLite file) and one media folder. */
async function deployment(kind: 'sqlite' | 'postgres'): Promise<{ env: NodeJS.ProcessEnv; database: DatabaseConfig }> {
  home = await createCliHome();
  const dataDir = join(home.dir, 'data');
  const env: NodeJS.ProcessEnv = {
    ...home.env,
    APERTURE_DATA_DIR: dataDir,
    APERTURE_PORT: '0',
    APERTURE_SECRET: SECRET,
    APERTURE_LOG_LEVEL: 'info',
  };
  if (kind === 'sqlite') return { env, database: { kind: 'sqlite', path: join(dataDir, 'aperture.db') } };
  pg = await postgresDialect(postgresUrl!).create({ migrate: false });
  const schema = pg.config.kind === 'postgres' ? pg.config.schema : undefined;
  env['APERTURE_DATABASE_URL'] = `${postgresUrl}${postgresUrl!.includes('?') ? '&' : '?'}schema=${schema}`;
  return { env, database: pg.config };
}

async function start(env: NodeJS.ProcessEnv): Promise<ServeProcess> {
  const serve = await startServe(env, 60_000);
  running.push(serve);
  return serve;
}

const METRICS_TOKEN = 'metrics-token-for-the-cluster-tests';

async function requestsInFlight(url: string): Promise<number> {
  const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  const match = /^aperture_http_requests_in_flight\{[^}]*\} (\d+)$/m.exec(await response.text());
  return Number(match?.[1] ?? -1);
}

async function leaseRows(database: DatabaseConfig) {
  const db = await openDatabase(database);
  try {
    return await db.kysely.selectFrom('node_leases').selectAll().orderBy('node').execute();
  } finally {
    await db.close();
  }
}

describe.runIf(postgresUrl)('several `aperture serve` processes on one Postgres schema', () => {
  it("start at once on a fresh schema with distinct node ids; a killed one's id is taken by the next", async () => {
    const { env, database } = await deployment('postgres');
    // All at once on an empty schema: one migrates, the others wait for it.
    const serves = await Promise.all([start(env), start(env), start(env)]);
    const held = (await leaseRows(database)).filter((row) => row.holder !== null);
    expect(held.map((row) => row.node)).toEqual([0, 1, 2]);
    expect(held.map((row) => row.pid).sort()).toEqual(serves.map((s) => s.child.pid).sort());

    // Each mints ids with its own node id: users registered through each carry it.
    for (const [i, serve] of serves.entries()) await registerUser(serve.url, `user${i}`);

    const victim = serves.find((s) => s.child.pid === held[1]!.pid)!;
    victim.child.kill('SIGKILL');
    expect(await victim.exited).toMatchObject({ signal: 'SIGKILL' });
    // Its row stays behind, unexpired; the next process sees on this machine that its pid is gone.
    expect((await leaseRows(database))[1]).toMatchObject({ node: 1, holder: 'node-1.1', pid: victim.child.pid });
    const successor = await start(env);
    expect((await leaseRows(database))[1]).toMatchObject({ node: 1, holder: 'node-1.2', pid: successor.child.pid });

    for (const serve of [...serves.filter((s) => s !== victim), successor]) serve.child.kill('SIGTERM');
    for (const serve of [...serves.filter((s) => s !== victim), successor]) {
      expect(await serve.exited).toEqual({ code: 0, signal: null });
    }
    expect((await leaseRows(database)).every((row) => row.holder === null && row.expires_at === null)).toBe(true);
  }, 120_000);

  it('a pinned node id held by a live process is refused with a message naming it', async () => {
    const { env } = await deployment('postgres');
    const first = await start({ ...env, APERTURE_NODE_ID: '7' });
    await expect(start({ ...env, APERTURE_NODE_ID: '7' })).rejects.toThrow(
      new RegExp(`APERTURE_NODE_ID=7 is held by a live process \\(node id 7, pid ${first.child.pid} on `),
    );
    first.child.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
  }, 120_000);
});

describe('one `aperture serve` per SQLite file', () => {
  it('a second process is refused, naming the file and the owner; after a kill -9 the next one starts', async () => {
    const { env, database } = await deployment('sqlite');
    const owner = await start(env);
    const path = (database as { path: string }).path;
    await expect(start(env)).rejects.toThrow(
      `The SQLite database ${path} is being served by another process (node id 0, pid ${owner.child.pid} on `,
    );
    owner.child.kill('SIGKILL');
    await owner.exited;
    const next = await start(env);
    expect((await leaseRows(database))[0]).toMatchObject({ holder: 'node-0.2', pid: next.child.pid });
  }, 120_000);
});

describe.each(postgresUrl ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const))(
  'SIGTERM to `aperture serve` on %s',
  (kind) => {
    it('finishes requests in flight, refuses new ones cleanly, frees its node id and exits 0', async () => {
      const { env, database } = await deployment(kind);
      const serve = await start({
        ...env,
        APERTURE_SHUTDOWN_GRACE_SECONDS: '60',
        APERTURE_METRICS_TOKEN: METRICS_TOKEN,
      });
      const token = await registerUser(serve.url, 'ana');
      const images = await Promise.all([noisePng(0.2), noisePng(0.2), noisePng(0.2)]);
      const uploads = [];
      for (const image of images) {
        const created = await callTrpc<{ target: Target }>(serve.url, 'media.createUpload', {
          token,
          input: { size: image.length, contentType: 'image/png', sha256: sha256(image) },
        });
        const target = created.body.result!.data.target;
        uploads.push(startSlowRequest('PUT', target.url, target.headers, image));
      }

      // The server has all three (and the scrape asking): they are in flight when the signal comes.
      await expect.poll(() => requestsInFlight(serve.url), { timeout: 30_000, interval: 50 }).toBe(4);
      serve.child.kill('SIGTERM');
      // Readiness fails at once, while the listener stays open for the uploads to finish.
      await expect
        .poll(async () => (await fetch(`${serve.url}/readyz`)).status, { timeout: 30_000, interval: 50 })
        .toBe(503);
      const refused = await callTrpc(serve.url, 'accounts.me', { type: 'query', token });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('connection')).toBe('close');
      expect(refused.body).toMatchObject({ error: { code: 'UNAVAILABLE' } });

      const answers = await Promise.all(uploads.map((upload) => upload.finish()));
      expect(answers.every((a) => a.status >= 200 && a.status < 300)).toBe(true);
      expect(await serve.exited).toEqual({ code: 0, signal: null });
      expect(serve.output.stdout + serve.output.stderr).toContain('SIGTERM: stopping');
      // After the exit nothing listens; the node id is free for the next process at once.
      await expect(fetch(`${serve.url}/healthz`)).rejects.toThrow();
      expect(await leaseRows(database)).toEqual([expect.objectContaining({ node: 0, holder: null, expires_at: null })]);
    }, 120_000);
  },
);
