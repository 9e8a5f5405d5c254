import { Writable } from 'node:stream';

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createPostgresKysely } from '../../src/db/postgres.js';
import { ReplicaReads } from '../../src/db/reads.js';
import { createServer, type ApertureServer } from '../../src/index.js';
import { postgresDialect } from '../support/databases.js';
import { insertReadyMedia } from '../support/media.js';
import { replicaUnavailableReason, startReplicaPair, type ReplicaPair } from '../support/replica.js';
import { callTrpc, startTestServer, type TestServer } from '../support/server.js';
import { signUp, type SignedUp } from '../support/users.js';

const missing = replicaUnavailableReason();
if (missing !== undefined) {
  console.warn(
    `\n!!! read-replica tests SKIPPED: ${missing}. They need the Postgres server binaries (initdb, pg_basebackup); CI has them.\n`,
  );
}

const METRICS_TOKEN = 'replica-metrics-token-0123456789';

/** Polls `condition` every 50 ms until it holds, failing after `ms`. */
async function until(what: string, condition: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A real primary and a streaming hot standby (throwaway clusters made for this file), two api
 * processes' worth of servers sharing them: reads go to the standby, except a user's own writes,
 * which they see at once through either server, and the standby going away costs no request.
 */
describe.skipIf(missing !== undefined)('reads from a streaming replica', () => {
  let pair: ReplicaPair;
  let a: TestServer;
  let b: ApertureServer;
  let bUrl: string;
  const logLines: string[] = [];
  let writer: SignedUp;
  let other: SignedUp;

  const displayName = async (url: string, of: SignedUp, token?: string) => {
    const answer = await callTrpc<{ user: { displayName: string } }>(url, 'users.profile', {
      type: 'query',
      input: { username: of.username },
      ...(token ? { token } : {}),
    });
    if (!answer.body.result) throw new Error(`users.profile: ${JSON.stringify(answer.body)}`);
    return answer.body.result.data.user.displayName;
  };
  const served = () => a.server.services.reads.stats();
  const logged = (message: string) => logLines.filter((line) => line.includes(message)).length;

  beforeAll(async () => {
    pair = await startReplicaPair();
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const env = {
      // loadConfig checks the pair: a replica needs a Postgres primary. The test database (a schema
      // of the primary) replaces the URL's database afterwards, and the replica serves that schema.
      APERTURE_DATABASE_URL: pair.primaryUrl,
      APERTURE_DATABASE_READ_URL: pair.replicaUrl,
      // Long enough that a paused replay never sends reads to the primary for lag during a test.
      APERTURE_DATABASE_READ_MAX_LAG_SECONDS: '600',
      APERTURE_METRICS_TOKEN: METRICS_TOKEN,
    };
    a = await startTestServer({ dialect: postgresDialect(pair.primaryUrl), env, logStream });
    // A second process on the same databases: a load balancer may send the next request to either.
    b = await createServer({ ...a.config, logLevel: 'silent' }, { backgroundWork: false });
    bUrl = await b.start();
    writer = await signUp(a.url, 'writer');
    other = await signUp(a.url, 'other');
    await until('the replica is in use', () => served().replicaUp === 1);
    // Both users' reads may use the replica once it has replayed everything written so far.
    const { rows } = await sql<{ lsn: string }>`select pg_current_wal_insert_lsn()::text as lsn`.execute(
      a.server.db.kysely,
    );
    await until('the replica has caught up', async () => {
      const result = await pair.queryReplica(`select pg_last_wal_replay_lsn() >= '${rows[0]!.lsn}'::pg_lsn as ok`);
      return result.rows[0]?.ok === true;
    });
    // The poll saw that position too, so the cached replay position admits both users.
    await until('the poll has seen it', () => (a.server.services.reads as ReplicaReads).refresh().then(() => true));
  }, 120_000);

  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await pair?.stop();
  }, 60_000);

  it('others read the replica while it lags; the writer reads their own write at once, through either process', async () => {
    const before = served().replica;
    await pair.queryReplica('select pg_wal_replay_pause()');
    try {
      const renamed = await callTrpc(a.url, 'accounts.updateProfile', {
        input: { displayName: 'Renamed Writer' },
        token: writer.token,
      });
      expect(renamed.status).toBe(200);
      const mediaId = await insertReadyMedia(a.server.db.kysely, writer.id);
      const created = await callTrpc<{ id: string }>(a.url, 'posts.create', {
        input: { mediaIds: [mediaId], caption: 'fresh post', visibility: 'public' },
        token: writer.token,
      });
      expect(created.body.result?.data.id).toBeDefined();
      const postId = created.body.result!.data.id;
      const followed = await callTrpc(a.url, 'graph.follow', { input: { userId: other.id }, token: writer.token });
      expect(followed.status).toBe(200);
      const following = async (url: string, token: string) => {
        const answer = await callTrpc<{ items: { id: string }[] }>(url, 'graph.following', {
          type: 'query',
          input: { userId: writer.id },
          token,
        });
        return answer.body.result?.data.items.map((u) => u.id);
      };

      // The replica has replayed neither write: the other user and a signed-out reader get its state.
      expect(await displayName(a.url, writer, other.token)).toBe('writer');
      expect(await displayName(bUrl, writer)).toBe('writer');
      const othersGet = await callTrpc(a.url, 'posts.get', {
        type: 'query',
        input: { id: postId },
        token: other.token,
      });
      expect(othersGet.body.error?.data['appCode']).toBe('NOT_FOUND');
      expect(await following(a.url, other.token)).toEqual([]);
      expect(served().replica).toBeGreaterThan(before);

      // The writer, on both processes: their profile, the post, their grid and their home feed.
      for (const url of [a.url, bUrl]) {
        expect(await displayName(url, writer, writer.token)).toBe('Renamed Writer');
        const own = await callTrpc<{ caption: string }>(url, 'posts.get', {
          type: 'query',
          input: { id: postId },
          token: writer.token,
        });
        expect(own.body.result?.data.caption).toBe('fresh post');
        const grid = await callTrpc<{ items: { id: string }[] }>(url, 'posts.byUser', {
          type: 'query',
          input: { userId: writer.id },
          token: writer.token,
        });
        expect(grid.body.result?.data.items.map((p) => p.id)).toEqual([postId]);
        const home = await callTrpc<{ items: { id: string }[] }>(url, 'feed.home', {
          type: 'query',
          input: {},
          token: writer.token,
        });
        expect(home.body.result?.data.items.map((p) => p.id)).toEqual([postId]);
        expect(await following(url, writer.token)).toEqual([other.id]);
      }
    } finally {
      await pair.queryReplica('select pg_wal_replay_resume()');
    }
    // Replayed: everyone sees it, and the writer's reads go back to the replica once it has their write.
    await until('the replica has the rename', async () => (await displayName(a.url, writer, other.token)) !== 'writer');
    await until('the writer reads from the replica again', async () => {
      const replicaReads = served().replica;
      expect(await displayName(a.url, writer, writer.token)).toBe('Renamed Writer');
      return served().replica > replicaReads;
    });

    const metrics = await fetch(`${a.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    const text = await metrics.text();
    expect(text).toMatch(/aperture_db_reads_total\{target="replica"[^}]*\} [1-9]/);
    expect(text).toMatch(/aperture_db_replica_up\{[^}]*\} 1/);
  });

  it('the replica stopping sends reads to the primary with one log line and no errors; back when it restarts', async () => {
    expect(logged('read replica unfit')).toBe(0);
    await pair.stopReplica();
    for (let i = 0; i < 20; i++) {
      // Right after the stop some reads still pick the replica; each must be answered from the primary.
      expect(await displayName(a.url, writer, other.token)).toBe('Renamed Writer');
      const search = await callTrpc(a.url, 'search.all', { type: 'query', input: { q: 'fresh' }, token: other.token });
      expect(search.status).toBe(200);
    }
    await until('the poll notices', () => served().replicaUp === 0);
    expect(logged('read replica unfit')).toBe(1);
    const fromPrimary = served().primary;
    expect(await displayName(a.url, writer, other.token)).toBe('Renamed Writer');
    expect(served().primary).toBe(fromPrimary + 1);
    expect(logged('read replica unfit')).toBe(1);

    await pair.startReplica();
    await until('reads use the replica again', () => served().replicaUp === 1, 60_000);
    expect(logged('read replica recovered')).toBe(1);
    const fromReplica = served().replica;
    expect(await displayName(a.url, writer, other.token)).toBe('Renamed Writer');
    expect(served().replica).toBe(fromReplica + 1);
  });

  it('a replica lagging past the limit sends reads to the primary until it catches up', async () => {
    const lines: string[] = [];
    const log = {
      info: (_obj: object, msg: string) => lines.push(msg),
      error: (_obj: object, msg: string) => lines.push(msg),
    };
    const reads = new ReplicaReads({
      primary: a.server.db,
      replica: createPostgresKysely(pair.replicaUrl, a.server.db.schema),
      log,
      maxLagMs: 300,
      pollMs: 50,
    });
    const where = (db: unknown) => Promise.resolve(db === a.server.db.kysely ? 'primary' : 'replica');
    try {
      await until('the replica is in use', () => reads.stats().replicaUp === 1);
      expect(await reads.run(null, where)).toBe('replica');
      await pair.queryReplica('select pg_wal_replay_pause()');
      try {
        // WAL the paused replica cannot replay, then time for it to fall behind.
        await sql`update users set bio = 'lagging' where id = ${other.id}`.execute(a.server.db.kysely);
        await until('the lag passes the limit', () => reads.stats().replicaUp === 0);
        expect(reads.stats().replicaLagSeconds).toBeGreaterThan(0.3);
        expect(await reads.run(null, where)).toBe('primary');
        expect(lines.filter((line) => line.includes('unfit'))).toHaveLength(1);
      } finally {
        await pair.queryReplica('select pg_wal_replay_resume()');
      }
      await until('the replica caught up', () => reads.stats().replicaUp === 1);
      expect(await reads.run(null, where)).toBe('replica');
      expect(lines.filter((line) => line.includes('recovered'))).toHaveLength(1);
    } finally {
      await reads.close();
    }
  });
});
