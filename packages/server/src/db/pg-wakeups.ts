import { createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { Logger } from '../lib/logger.js';
import type { DatabaseConfig, Db } from './connect.js';
import type { Database } from './schema.js';
import { inProcessOnly, MAX_WAKEUP_PAYLOAD, type WakeupHandler, type WakeupTopic, type Wakeups } from './wakeups.js';

export interface PgWakeupsOptions {
  url: string;
  /** The schema the tables live in: channels are per schema, so databases shared by schemas stay apart. */
  schema: string;
  log: Logger;
  /** First wait before reconnecting, doubled per failed attempt up to `maxBackoffMs` (defaults 500 ms, 15 s). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

/** Postgres truncates longer channel names (NAMEDATALEN - 1). */
const MAX_CHANNEL = 63;

/** The channel of `topic` for the tables in `schema`: readable when it fits, else the schema hashed. */
export function wakeupChannel(topic: WakeupTopic, schema: string): string {
  const plain = `aperture_${topic}_${schema}`;
  if (plain.length <= MAX_CHANNEL && /^[A-Za-z0-9_]+$/.test(schema)) return plain;
  return `aperture_${topic}_${createHash('sha256').update(schema).digest('hex').slice(0, 24)}`;
}

/**
 * The wake-ups of an open database: LISTEN/NOTIFY on Postgres, which many processes may share;
 * nothing on SQLite, which one process owns (in-process wake-ups reach everyone there).
 */
export function wakeupsFor(config: DatabaseConfig, db: Db, log: Logger): Wakeups {
  return config.kind === 'postgres' && db.schema !== undefined
    ? new PgWakeups({ url: config.url, schema: db.schema, log })
    : inProcessOnly;
}

/**
 * Wake-ups over Postgres LISTEN/NOTIFY. Sending is one `select pg_notify(…)` on the caller's
 * executor, so a wake-up sent in a transaction goes out when it commits. Hearing takes one
 * dedicated connection per process, outside the Kysely pool (a pooled connection is handed to
 * queries, and LISTEN belongs to one session). When that connection drops (Postgres restarting, an
 * administrator ending it), it is re-opened with backoff, logged once per outage, every channel is
 * listened to again, and every handler is called once with `undefined`: wake-ups sent meanwhile
 * are lost, so everything counts as possibly missed.
 *
 * Payloads travel as `<origin>:<payload>`, `origin` naming this instance, so a process skips its
 * own wake-ups: it already woke its own workers and streams after its commit.
 */
export class PgWakeups implements Wakeups {
  readonly crossProcess = true;
  private readonly origin = randomBytes(6).toString('hex');
  private readonly handlers = new Map<string, { topic: WakeupTopic; handlers: Set<WakeupHandler> }>();
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private started = false;
  private closed = false;
  private failures = 0;
  private outage = false;
  /** LISTENs sent on the open connection and not answered yet. */
  private readonly pendingListens = new Set<Promise<unknown>>();
  /** Callers of `listening()` waiting for a connection. */
  private readonly connectedWaiters = new Set<() => void>();

  constructor(private readonly options: PgWakeupsOptions) {}

  async notify(executor: Kysely<Database>, topic: WakeupTopic, payload = ''): Promise<void> {
    if (payload.length > MAX_WAKEUP_PAYLOAD) {
      throw new Error(`wake-up payload of ${payload.length} characters (at most ${MAX_WAKEUP_PAYLOAD})`);
    }
    const channel = wakeupChannel(topic, this.options.schema);
    await sql`select pg_notify(${channel}, ${`${this.origin}:${payload}`})`.execute(executor);
  }

  listen(topic: WakeupTopic, handler: WakeupHandler): () => void {
    const channel = wakeupChannel(topic, this.options.schema);
    let entry = this.handlers.get(channel);
    if (!entry) {
      entry = { topic, handlers: new Set() };
      this.handlers.set(channel, entry);
      // A connection already open listens now; one being opened picks the channel up itself.
      const client = this.client;
      if (client) {
        const listened = client.query(`LISTEN "${channel}"`).catch((err: unknown) => this.lost(client, err));
        this.pendingListens.add(listened);
        void listened.finally(() => this.pendingListens.delete(listened));
      }
    }
    const handlers = entry.handlers;
    handlers.add(handler);
    // The channel stays listened to: the cost is nothing, and a handler may come back.
    return () => handlers.delete(handler);
  }

  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.connecting ??= this.connect();
  }

  async listening(): Promise<void> {
    while (!this.client && !this.closed) {
      await new Promise<void>((resolve) => this.connectedWaiters.add(resolve));
    }
    await Promise.all(this.pendingListens);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wakeWaiters();
    clearTimeout(this.retryTimer);
    await this.connecting;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.options.url,
      application_name: 'aperture',
      connectionTimeoutMillis: 10_000,
      keepAlive: true,
    });
    // Without a listener, an 'error' from a dropped connection would end the process.
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    client.on('notification', (message) => this.deliver(message.channel, message.payload));
    try {
      await client.connect();
      // A channel added while the LISTENs below run is listened to by the next round.
      const listened = new Set<string>();
      for (;;) {
        const missing = [...this.handlers.keys()].filter((channel) => !listened.has(channel));
        if (missing.length === 0) break;
        for (const channel of missing) {
          await client.query(`LISTEN "${channel}"`);
          listened.add(channel);
        }
      }
    } catch (err) {
      this.connecting = undefined;
      this.lost(client, err);
      return;
    }
    this.connecting = undefined;
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.failures = 0;
    this.wakeWaiters();
    if (this.outage) {
      this.outage = false;
      this.options.log.info({}, 'wake-up listener reconnected to Postgres');
    }
    // Whatever was sent while no connection listened is lost: every handler looks once.
    for (const { handlers } of this.handlers.values()) for (const handler of handlers) this.call(handler, undefined);
  }

  /** The connection `client` failed (or never opened): drop it and try again after a backoff. */
  private lost(client: pg.Client, err: unknown): void {
    if (this.client === client) this.client = undefined;
    else if (this.client !== undefined) return; // an old connection's late event
    client.removeAllListeners('notification');
    client.end().catch(() => undefined);
    if (this.closed || this.connecting || this.retryTimer) return;
    if (!this.outage) {
      this.outage = true;
      this.options.log.error(
        { err },
        'wake-up listener lost its Postgres connection; reconnecting (polls cover the gap)',
      );
    }
    const initial = this.options.initialBackoffMs ?? 500;
    const ceiling = Math.min(this.options.maxBackoffMs ?? 15_000, initial * 2 ** this.failures);
    this.failures++;
    // Jitter, so the processes of a restarted database do not all reconnect in the same instant.
    const delay = Math.round(ceiling * (0.75 + 0.25 * Math.random()));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.closed) this.connecting ??= this.connect();
    }, delay);
    this.retryTimer.unref();
  }

  private wakeWaiters(): void {
    for (const resolve of this.connectedWaiters) resolve();
    this.connectedWaiters.clear();
  }

  private deliver(channel: string, raw: string | undefined): void {
    const entry = this.handlers.get(channel);
    if (!entry || raw === undefined) return;
    const colon = raw.indexOf(':');
    if (colon < 0 || raw.slice(0, colon) === this.origin) return;
    const payload = raw.slice(colon + 1);
    for (const handler of entry.handlers) this.call(handler, payload);
  }

  private call(handler: WakeupHandler, payload: string | undefined): void {
    try {
      handler(payload);
    } catch (err) {
      this.options.log.error({ err }, 'wake-up handler failed');
    }
  }
}
