import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NodeLease, NodeLeaseLostError, NodeLeaseUnavailableError } from '../../src/db/node-leases.js';
import { decodeId } from '../../src/ids/snowflake.js';
import { createServer, loadConfig, type ApertureServer, type Config } from '../../src/index.js';
import { processIdentity } from '../../src/lib/process-identity.js';
import { sql } from 'kysely';
import { withAdvisoryLock } from '../../src/db/advisory-lock.js';
import { MIGRATIONS } from '../../src/db/migrations/index.js';
import { migrate } from '../../src/server.js';
import { DIALECTS, postgresTestUrl, type TestDatabase } from '../support/databases.js';
import { callTrpc, TEST_RATE_LIMITS } from '../support/server.js';
import { registerUser } from '../support/users.js';

const POSTGRES = DIALECTS.filter((d) => d.name === 'postgres');

/** A row as a process elsewhere (another machine: only its lease's expiry tells whether it runs) leaves it. */
function foreignRow(node: number, expiresInMs: number) {
  return {
    node,
    generation: 3,
    holder: `node-${node}.3`,
    host: 'elsewhere',
    machine: 'elsewhere',
    pid: 4242,
    role: 'all',
    claimed_at: new Date(Date.now() - 60_000).toISOString(),
    expires_at: new Date(Date.now() + expiresInMs).toISOString(),
  };
}

function leaseOptions(database: TestDatabase, extra: Partial<Parameters<typeof NodeLease.claim>[0]> = {}) {
  return {
    db: database.db,
    role: 'all',
    onLost: () => undefined,
    onRenewError: () => undefined,
    ...extra,
  };
}

function makeConfig(database: TestDatabase, dataDir: string): Config {
  const base = loadConfig({
    APERTURE_DATA_DIR: dataDir,
    APERTURE_PORT: '0',
    APERTURE_LOG_LEVEL: 'silent',
    ...TEST_RATE_LIMITS,
  });
  return { ...base, database: database.config };
}

describe.each(DIALECTS)('node id leases on $name', (dialect) => {
  let database: TestDatabase;
  const held: NodeLease[] = [];

  beforeEach(async () => {
    database = await dialect.create();
  });
  afterEach(async () => {
    for (const lease of held.splice(0)) await lease.release();
    await database.cleanup();
  });

  it('claims the lowest free id, frees it on release, and counts claims in the holder name', async () => {
    const first = await NodeLease.claim(leaseOptions(database));
    held.push(first);
    expect([first.node, first.holder]).toEqual([0, 'node-0.1']);
    const row = await database.db.kysely.selectFrom('node_leases').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ node: 0, pid: process.pid, host: processIdentity().host, role: 'all' });
    await first.release();
    expect(() => first.assertHeld()).toThrow(NodeLeaseLostError);
    const again = await NodeLease.claim(leaseOptions(database));
    held.push(again);
    // The same id, free again at once; a new generation, so the work leases it names are new too.
    expect([again.node, again.holder]).toEqual([0, 'node-0.2']);
  });

  it('takes a lapsed lease over, never a live one held elsewhere; a pinned id held live is refused', async () => {
    await database.db.kysely
      .insertInto('node_leases')
      .values([foreignRow(0, 60_000), foreignRow(1, -1_000)])
      .execute();
    const lease = await NodeLease.claim(leaseOptions(database));
    held.push(lease);
    // 0 is live elsewhere; 1 lapsed a second ago.
    expect([lease.node, lease.holder]).toEqual([1, 'node-1.4']);
    const refusal = NodeLease.claim(leaseOptions(database, { pinned: 0 }));
    await expect(refusal).rejects.toThrow(NodeLeaseUnavailableError);
    await expect(refusal).rejects.toThrow(
      /APERTURE_NODE_ID=0 is held by a live process \(node id 0, pid 4242 on elsewhere/,
    );
  });

  it('a holder that finds its lease taken over stops minting ids, and says so once', async () => {
    const lost: NodeLeaseLostError[] = [];
    const lease = await NodeLease.claim(
      leaseOptions(database, { leaseMs: 2_000, heartbeatMs: 100, onLost: (error) => lost.push(error) }),
    );
    held.push(lease);
    expect(() => lease.assertHeld()).not.toThrow();
    // What another process's claim does once this one's lease has lapsed (it was paused, say).
    await database.db.kysely
      .updateTable('node_leases')
      .set({ generation: 2, holder: 'node-0.2', machine: 'elsewhere', pid: 4242 })
      .where('node', '=', 0)
      .execute();
    await expect.poll(() => lost.length, { timeout: 10_000 }).toBe(1);
    expect(() => lease.assertHeld()).toThrow(/node id 0 is not leased any more/);
    expect(lost[0]!.code).toBe('UNAVAILABLE');
    // Its release leaves the new holder's row alone.
    await lease.release();
    expect(await database.db.kysely.selectFrom('node_leases').select('holder').executeTakeFirst()).toEqual({
      holder: 'node-0.2',
    });
  });

  it('a holder that has not renewed for most of its lease stops minting', async () => {
    const lease = await NodeLease.claim(leaseOptions(database, { leaseMs: 1_200, heartbeatMs: 60_000 }));
    held.push(lease);
    expect(() => lease.assertHeld()).not.toThrow();
    // No renewal ran (the heartbeat is a minute away): past lease minus margin it refuses.
    await expect.poll(() => throwsLost(lease), { timeout: 5_000 }).toBe(true);
  });
});

function throwsLost(lease: NodeLease): boolean {
  try {
    lease.assertHeld();
    return false;
  } catch (error) {
    return error instanceof NodeLeaseLostError;
  }
}

describe.each(DIALECTS)('servers and their node ids on $name', (dialect) => {
  let database: TestDatabase;
  let dataDir: string;
  const servers: ApertureServer[] = [];

  beforeEach(async () => {
    database = await dialect.create();
    dataDir = await mkdtemp(join(tmpdir(), 'aperture-leases-'));
  });
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.stop();
    await database.cleanup();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('a server mints ids with its leased node id, and a stop frees the row', async () => {
    const server = await createServer(makeConfig(database, dataDir));
    servers.push(server);
    const url = await server.start();
    expect(server.nodeId).toBe(0);
    expect(server.leaseHolder).toBe('node-0.1');
    await registerUser(url, 'ana');
    const user = await database.db.kysely.selectFrom('users').select('id').executeTakeFirstOrThrow();
    expect(decodeId(user.id).nodeId).toBe(0);
    await servers.pop()!.stop();
    const row = await database.db.kysely.selectFrom('node_leases').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ node: 0, holder: null, expires_at: null, pid: null });
  });

  it('a server whose node lease is lost refuses writes with UNAVAILABLE and fails /readyz', async () => {
    const base = makeConfig(database, dataDir);
    const metricsToken = 'a-metrics-token-for-this-test';
    const server = await createServer(
      { ...base, metrics: { ...base.metrics, token: metricsToken } },
      { nodeLease: { leaseMs: 2_000, heartbeatMs: 100 } },
    );
    servers.push(server);
    const url = await server.start();
    const leaseHeld = async () => {
      const scraped = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
      return /^aperture_node_lease_held(?:\{[^}]*\})? (\d+)$/m.exec(await scraped.text())?.[1];
    };
    expect(await leaseHeld()).toBe('1');
    await database.db.kysely
      .updateTable('node_leases')
      .set({ generation: 9, holder: 'node-0.9', machine: 'elsewhere' })
      .execute();
    const lost = await server.nodeLeaseLost;
    expect(lost.message).toContain('node id 0 is not leased any more');
    const refused = await callTrpc(url, 'accounts.register', {
      input: { username: 'late', email: 'late@example.com', password: 'correct horse battery' },
    });
    expect(refused.status).toBe(503);
    expect(refused.body.error?.data).toMatchObject({ appCode: 'UNAVAILABLE' });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    expect(JSON.stringify(await ready.json())).toContain('node lease');
    // What an operator's alert sees.
    expect(await leaseHeld()).toBe('0');
  });
});

describe('one server per SQLite file', () => {
  it('a second server on the same file is refused, naming the file and the owner; after a stop it starts', async () => {
    const [sqlite] = DIALECTS.filter((d) => d.name === 'sqlite');
    const database = await sqlite!.create();
    const dataDir = await mkdtemp(join(tmpdir(), 'aperture-owner-'));
    const config = makeConfig(database, dataDir);
    const first = await createServer(config);
    try {
      const second = createServer(config);
      await expect(second).rejects.toThrow(NodeLeaseUnavailableError);
      const path = (config.database as { path: string }).path;
      await expect(second).rejects.toThrow(
        `The SQLite database ${path} is being served by another server in this same process (node id 0, pid ${process.pid}`,
      );
    } finally {
      await first.stop();
    }
    const after = await createServer(config);
    expect(after.nodeId).toBe(0);
    await after.stop();
    await database.cleanup();
    await rm(dataDir, { recursive: true, force: true });
  });
});

describe.runIf(postgresTestUrl())('many servers on one Postgres schema', () => {
  it('several `migrate` runs at once on a fresh schema: one applies everything, the others wait and find it done', async () => {
    const database = await POSTGRES[0]!.create({ migrate: false });
    const config = makeConfig(database, tmpdir());
    try {
      const runs = await Promise.all(Array.from({ length: 4 }, () => migrate(config)));
      expect(runs.map((r) => r.applied.length).sort((a, b) => a - b)).toEqual([
        0,
        0,
        0,
        Object.keys(MIGRATIONS).length,
      ]);
    } finally {
      await database.cleanup();
    }
  });

  it("`migrate` waits while another process holds the schema's migration lock", async () => {
    const database = await POSTGRES[0]!.create({ migrate: false });
    const config = makeConfig(database, tmpdir());
    try {
      const waiting = await withAdvisoryLock(database.db, 'migrate', async () => {
        const run = migrate(config);
        // Its lock request shows in pg_locks as not granted while this one holds the lock.
        await expect
          .poll(
            async () => {
              const { rows } = await sql<{ n: number }>`
              select count(*)::int as n from pg_locks
              where locktype = 'advisory' and not granted
                and database = (select oid from pg_database where datname = current_database())`.execute(
                database.db.kysely,
              );
              return rows[0]!.n;
            },
            { timeout: 10_000 },
          )
          .toBeGreaterThan(0);
        // Wrapped: returning the promise itself would wait for it under the lock it waits for.
        return { run };
      });
      expect((await waiting.run).applied).toHaveLength(Object.keys(MIGRATIONS).length);
    } finally {
      await database.cleanup();
    }
  });

  it('lease distinct ids when they start at once, on a fresh schema (migrations run once)', async () => {
    const database = await POSTGRES[0]!.create({ migrate: false });
    const dataDir = await mkdtemp(join(tmpdir(), 'aperture-many-'));
    const config = makeConfig(database, dataDir);
    const servers = await Promise.all(Array.from({ length: 4 }, () => createServer(config, { backgroundWork: false })));
    try {
      expect(servers.map((s) => s.nodeId).sort()).toEqual([0, 1, 2, 3]);
      expect(new Set(servers.map((s) => s.leaseHolder)).size).toBe(4);
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from kysely_migration`.execute(
        database.db.kysely,
      );
      expect(rows[0]!.n).toBe(Object.keys(MIGRATIONS).length);
    } finally {
      for (const server of servers) await server.stop();
      await database.cleanup();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
