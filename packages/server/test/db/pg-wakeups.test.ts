import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgWakeups, wakeupChannel } from '../../src/db/pg-wakeups.js';
import type { Logger } from '../../src/lib/logger.js';
import { postgresDialect, postgresTestUrl, type TestDatabase } from '../support/databases.js';
import { withApplicationName } from '../support/pg-activity.js';

const url = postgresTestUrl();

/** Resolves once `condition` holds, polling every 20 ms; fails after `timeoutMs`. */
async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function recordingLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (_obj, msg) => lines.push(`info: ${msg}`), error: (_obj, msg) => lines.push(`error: ${msg}`) };
}

describe.runIf(url !== undefined)('PgWakeups (LISTEN/NOTIFY between processes)', () => {
  const appName = `aperture_wakeups_${randomBytes(4).toString('hex')}`;
  let database: TestDatabase;
  let admin: pg.Client;
  const opened: PgWakeups[] = [];

  const open = (schema: string, log: Logger = recordingLog(), name = appName): PgWakeups => {
    const wakeups = new PgWakeups({ url: withApplicationName(url!, name), schema, log, initialBackoffMs: 50 });
    opened.push(wakeups);
    return wakeups;
  };

  beforeAll(async () => {
    database = await postgresDialect(url!).create();
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
  });
  afterAll(async () => {
    for (const wakeups of opened) await wakeups.close();
    await admin?.end();
    await database?.cleanup();
  });

  it('hears what another instance sends on commit, never after a rollback, and never its own', async () => {
    const schema = database.db.schema!;
    const sender = open(schema);
    const receiver = open(schema);
    const heard: (string | undefined)[] = [];
    const echoes: (string | undefined)[] = [];
    receiver.listen('notifications', (payload) => heard.push(payload));
    sender.listen('notifications', (payload) => echoes.push(payload));
    receiver.start();
    sender.start();
    await receiver.listening();
    await sender.listening();
    // Each connection's first LISTEN round counts as a reconnect: everything possibly missed.
    await until('the first connection woke every handler once', () => heard.length === 1 && echoes.length === 1);
    heard.length = 0;
    echoes.length = 0;

    await database.db.kysely.transaction().execute(async (trx) => {
      await sender.notify(trx, 'notifications', '101');
      // Not before the commit.
      await sql`select pg_sleep(0.2)`.execute(trx);
      expect(heard).toEqual([]);
    });
    await until('the committed wake-up is heard', () => heard.length === 1);
    expect(heard).toEqual(['101']);

    await expect(
      database.db.kysely.transaction().execute(async (trx) => {
        await sender.notify(trx, 'notifications', '102');
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await sender.notify(database.db.kysely, 'notifications', '103');
    await until('the wake-up after the rollback is heard', () => heard.length === 2);
    expect(heard).toEqual(['101', '103']);
    expect(echoes).toEqual([]);
    await expect(sender.notify(database.db.kysely, 'notifications', 'x'.repeat(201))).rejects.toThrow(/payload/);
  });

  it('keeps schemas apart: a database shared by several deployments wakes only the right one', async () => {
    const other = await postgresDialect(url!).create();
    try {
      const here = open(database.db.schema!);
      const heard: (string | undefined)[] = [];
      here.listen('outbox', (payload) => heard.push(payload));
      here.start();
      await here.listening();
      await until('the first connection woke the handler', () => heard.length === 1);
      await open(other.db.schema!).notify(other.db.kysely, 'outbox');
      await open(database.db.schema!).notify(database.db.kysely, 'outbox', 'ours');
      await until('our wake-up is heard', () => heard.length === 2);
      expect(heard).toEqual([undefined, 'ours']);
    } finally {
      await other.cleanup();
    }
    expect(wakeupChannel('notifications', 'x'.repeat(63))).toHaveLength('aperture_notifications_'.length + 24);
  });

  it('reconnects after its connection is killed, logs the outage once, and wakes every handler once', async () => {
    const name = `${appName}_kill`;
    const log = recordingLog();
    const wakeups = open(database.db.schema!, log, name);
    const sender = open(database.db.schema!);
    const heard: (string | undefined)[] = [];
    wakeups.listen('sessions', (payload) => heard.push(payload));
    wakeups.start();
    await wakeups.listening();
    await until('the first connection woke the handler', () => heard.length === 1);

    const listener = async () => {
      const { rows } = await admin.query<{ pid: number }>(
        `select pid from pg_stat_activity where application_name = $1 and query like 'LISTEN %'`,
        [name],
      );
      return rows.map((row) => row.pid);
    };
    const [first] = await listener();
    expect(first).toBeDefined();
    await admin.query('select pg_terminate_backend($1)', [first]);
    await until('a new listening connection replaced the killed one', async () => {
      const pids = await listener();
      return pids.length === 1 && pids[0] !== first;
    });
    await wakeups.listening();
    await until('the reconnect woke the handler', () => heard.length === 2);
    expect(heard).toEqual([undefined, undefined]);

    await sender.notify(database.db.kysely, 'sessions', '77');
    await until('wake-ups are heard again', () => heard.length === 3);
    expect(heard[2]).toBe('77');
    expect(log.lines.filter((line) => line.startsWith('error:'))).toHaveLength(1);
    expect(log.lines).toContain('info: wake-up listener reconnected to Postgres');
  });
});
