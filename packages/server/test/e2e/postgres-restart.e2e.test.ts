import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toAppError } from '../../src/errors/map-error.js';
import { postgresDialect, postgresTestUrl } from '../support/databases.js';
import { withApplicationName } from '../support/pg-activity.js';
import { photo } from '../fixtures/images.js';
import { putTo, sha256, waitForMedia, type Target } from '../support/media.js';
import { callTrpc, startTestServer, type TestServer } from '../support/server.js';
import { registerUser } from '../support/users.js';

const url = postgresTestUrl();

/**
 * What a running server does when Postgres drops its connections, as in a Postgres restart. The
 * drop is simulated with pg_terminate_backend on this server's backends only — found by an
 * application_name of its own — never by restarting the shared cluster.
 */
describe.runIf(url !== undefined)('Postgres drops the connections of a running server', () => {
  const appName = `aperture_drop_${randomBytes(4).toString('hex')}`;
  let t: TestServer;
  let admin: pg.Client;
  let token: string;

  const backends = async (where = 'true') => {
    const { rows } = await admin.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity where application_name = $1 and ${where}`,
      [appName],
    );
    return rows[0]?.n ?? 0;
  };
  const until = async (what: string, condition: () => Promise<boolean>) => {
    for (let i = 0; i < 100; i++) {
      if (await condition()) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`timed out waiting until ${what}`);
  };
  /**
   * Ends every backend of this server, as a restarting Postgres would; resolves once those are gone.
   * Its background work (pollers, leased workers) may open new ones meanwhile: only the ended ones
   * are waited for.
   */
  const dropConnections = async () => {
    const { rows } = await admin.query<{ pid: number }>(
      'select pg_terminate_backend(pid), pid from pg_stat_activity where application_name = $1',
      [appName],
    );
    const ended = rows.map((row) => row.pid);
    await until('the backends are gone', async () => {
      const alive = await admin.query('select 1 from pg_stat_activity where pid = any($1::int[])', [ended]);
      return alive.rowCount === 0;
    });
  };

  beforeAll(async () => {
    t = await startTestServer({ dialect: postgresDialect(withApplicationName(url!, appName)) });
    token = await registerUser(t.url, 'survivor');
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await t?.stop();
  });

  it('a connection dropped while a transaction holds it between queries does not take the process down', async () => {
    let resume!: () => void;
    const paused = new Promise<void>((resolve) => (resume = resolve));
    const held = t.server.db.kysely.transaction().execute(async (trx) => {
      await sql`select 1`.execute(trx);
      await paused;
      await sql`select 1`.execute(trx);
    });
    await until('the transaction holds a backend', async () => (await backends(`state = 'idle in transaction'`)) > 0);
    await dropConnections();
    // Let the client read the termination notice and the closed socket before it is used again.
    await new Promise((resolve) => setTimeout(resolve, 200));
    resume();
    const error = await held.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(toAppError(error)).toMatchObject({ code: 'UNAVAILABLE', status: 503, retryAfter: 2 });

    const me = await callTrpc(t.url, 'accounts.me', { type: 'query', token });
    expect(me.status).toBe(200);
  });

  it('a request whose query is cut answers UNAVAILABLE with Retry-After; later requests succeed', async () => {
    // Park the request in a query: its session lookup waits for a lock this test holds.
    const locker = new pg.Client({ connectionString: url });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query(`lock table "${t.server.db.schema}".sessions in access exclusive mode`);
      const answer = callTrpc(t.url, 'accounts.updateProfile', { token, input: { bio: 'during the drop' } });
      await until('the request waits on the lock', async () => (await backends(`wait_event_type = 'Lock'`)) > 0);
      await dropConnections();
      const failed = await answer;
      expect(failed.status).toBe(503);
      expect(failed.headers.get('retry-after')).toBe('2');
      expect(failed.body.error?.data).toMatchObject({ appCode: 'UNAVAILABLE', httpStatus: 503, retryAfter: 2 });
    } finally {
      await locker.query('rollback').catch(() => undefined);
      await locker.end();
    }

    // Fresh connections from here on: reads and writes work, nothing needed a restart.
    const written = await callTrpc(t.url, 'accounts.updateProfile', { token, input: { bio: 'after the drop' } });
    expect(written.status).toBe(200);
    const me = await callTrpc<{ bio: string }>(t.url, 'accounts.me', { type: 'query', token });
    expect(me.body.result?.data.bio).toBe('after the drop');
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
  });

  it('an upload whose completion was cut after its copy can be completed again', async () => {
    const image = await photo({ width: 640, height: 480 });
    const created = (
      await callTrpc<{ uploadId: string; mediaId: string; target: Target }>(t.url, 'media.createUpload', {
        token,
        input: { size: image.length, contentType: 'image/jpeg', sha256: sha256(image) },
      })
    ).body.result!.data;
    await putTo(created.target, image);
    const complete = () =>
      callTrpc<{ status: string }>(t.url, 'media.completeUpload', { token, input: { uploadId: created.uploadId } });

    // Reads of `uploads` pass, its update waits: the copy is done when the connection is cut.
    const locker = new pg.Client({ connectionString: url });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query(`lock table "${t.server.db.schema}".uploads in exclusive mode`);
      const answer = complete();
      await until('the completion waits on the lock', async () => (await backends(`wait_event_type = 'Lock'`)) > 0);
      await dropConnections();
      expect((await answer).status).toBe(503);
    } finally {
      await locker.query('rollback').catch(() => undefined);
      await locker.end();
    }

    const again = await complete();
    expect(again.status).toBe(200);
    expect((await waitForMedia(t.url, token, created.mediaId)).status).toBe('ready');
  });
});
