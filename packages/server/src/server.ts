import type { FastifyInstance } from 'fastify';
import type { Config } from './config/config.js';
import { ensureSecret } from './config/secret.js';
import { systemClock, type Clock } from './clock.js';
import { openDatabase, type Db } from './db/connect.js';
import { migrateToLatest } from './db/migrate.js';
import { buildApp } from './http/app.js';
import { createMetrics } from './http/metrics.js';
import { createIdGenerator } from './ids/snowflake.js';
import { createServices, type Services } from './services.js';
import type { BlobStore } from './storage/blob-store.js';
import { createBlobStore } from './storage/index.js';

export interface ApertureServer {
  /** Listen on the configured host and port (0 picks a free one); resolves to the base URL. */
  start(): Promise<string>;
  /** Stop accepting requests, finish in-flight ones, close the database and blob store. */
  stop(): Promise<void>;
  /** The base URL, once started (throws before). */
  readonly url: string;
  readonly app: FastifyInstance;
  readonly services: Services;
  readonly db: Db;
  readonly blobs: BlobStore;
}

export interface CreateServerOptions {
  clock?: Clock;
  /** Where log lines go (default stdout). */
  logStream?: NodeJS.WritableStream;
}

/**
 * Build an Aperture server from a parsed config: opens the database (running migrations), the
 * blob store and the HTTP app. Nothing listens until `start()`.
 *
 * @example
 * const server = await createServer(loadConfig());
 * console.log(await server.start());
 */
export async function createServer(config: Config, options: CreateServerOptions = {}): Promise<ApertureServer> {
  const secret = ensureSecret(config.secret, config.dataDir);
  const clock = options.clock ?? systemClock;
  let url: string | undefined;
  const publicUrl = (): string => {
    const base = config.publicUrl ?? url;
    if (!base) throw new Error('the server has not started yet, and APERTURE_PUBLIC_URL is not set');
    return base;
  };

  const db = await openDatabase(config.database);
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  const blobs = createBlobStore(config.media, { secret, publicUrl });
  const metrics = createMetrics();
  const ids = createIdGenerator({ nodeId: config.nodeId, clock: () => clock.now().getTime() });
  const services = createServices({ db, blobs, ids, clock, sessionTtlDays: config.sessionTtlDays });
  const app = buildApp({ config, db, blobs, services, metrics, logStream: options.logStream });

  return {
    app,
    services,
    db,
    blobs,
    get url() {
      if (!url) throw new Error('server not started');
      return url;
    },
    async start() {
      await app.listen({ host: config.host, port: config.port });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
      url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
      return url;
    },
    async stop() {
      await app.close();
      await blobs.close();
      await db.close();
    },
  };
}

/** Run pending migrations for the configured database, then close it (`aperture migrate`). */
export async function migrate(config: Config): Promise<{ applied: string[] }> {
  const db = await openDatabase(config.database);
  try {
    return await migrateToLatest(db);
  } finally {
    await db.close();
  }
}
