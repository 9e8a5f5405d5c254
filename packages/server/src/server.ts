import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config/config.js';
import { ensureSecret } from './config/secret.js';
import { systemClock, type Clock } from './clock.js';
import { openDatabase, type Db } from './db/connect.js';
import { migrateToLatest } from './db/migrate.js';
import { wakeupsFor } from './db/pg-wakeups.js';
import { createPostgresKysely } from './db/postgres.js';
import { primaryReads, ReplicaReads, type Reads } from './db/reads.js';
import type { Logger } from './lib/logger.js';
import { buildApp } from './http/app.js';
import { createMetrics } from './http/metrics.js';
import { deploymentMetricSources } from './http/deployment-metrics.js';
import { buildMetricsApp } from './http/metrics-route.js';
import { createLogger } from './http/logger.js';
import type { PasswordHasher } from './modules/accounts/passwords.js';
import { createIdGenerator } from './ids/snowflake.js';
import { createServices, type ApiServices, type BackgroundServices } from './services.js';
import type { BlobStore } from './storage/blob-store.js';
import { createBlobStore } from './storage/index.js';
import { FreeSpaceGuard, type FreeBytesProbe } from './storage/free-space.js';
import { configureSharp } from './modules/media/pipeline/index.js';
import { VideoTools } from './modules/media/video/tools.js';
import { earlierHolderPatterns } from './lib/lease.js';
import type { NodeLeaseLostError } from './db/node-leases.js';
import { openForServing } from './serving-lease.js';
import { ShutdownGate } from './http/shutdown-gate.js';

export interface ApertureServer {
  /** Listen on the configured host and port (0 picks a free one); resolves to the base URL. */
  start(): Promise<string>;
  /**
   * Stop gracefully: /readyz fails and new requests are refused at once, live streams end with a
   * hint to reconnect elsewhere, requests in flight get APERTURE_SHUTDOWN_GRACE_SECONDS to finish,
   * then background work stops, every lease this process holds is released, and the database and
   * blob store close.
   */
  stop(): Promise<void>;
  /** HTTP requests admitted and not yet answered (what a graceful stop waits for). */
  readonly requestsInFlight: number;
  /** This process's snowflake node id, leased from the database. */
  readonly nodeId: number;
  /** Its name on the work leases it takes (`node-<id>.<generation>`). */
  readonly leaseHolder: string;
  /**
   * Resolves if the node lease is lost (another process took it over after it lapsed, e.g. while
   * this one was paused): the server then creates nothing, /readyz fails, and whoever runs it
   * should stop it and start afresh (`aperture serve` exits with status 1). Never rejects.
   */
  readonly nodeLeaseLost: Promise<NodeLeaseLostError>;
  /** The base URL, once started (throws before). */
  readonly url: string;
  /** The metrics listener's base URL once started, when APERTURE_METRICS_PORT is set. */
  readonly metricsUrl: string | undefined;
  readonly app: FastifyInstance;
  /** What requests use (the services behind the API). */
  readonly services: ApiServices;
  /** What runs beside the requests: the dispatcher, the media processor, sweeps, write-behind buffers. */
  readonly background: BackgroundServices;
  readonly db: Db;
  readonly blobs: BlobStore;
  /**
   * Wait until the background work queued so far in this process is done: events delivered to
   * their handlers (fan-out, tags, notifications), tag and view counters written. For tests and
   * scripts that need "eventually" to be "now".
   */
  settle(): Promise<void>;
}

export interface CreateServerOptions {
  clock?: Clock;
  /** false: answer queries through tRPC's stock adapter too (the lean path is compared with it in tests). */
  leanQueries?: boolean;
  /** Set false to run no background work (media processing, sweeps) in this process — for tests that drive it. */
  backgroundWork?: boolean;
  /** Where log lines go (default stdout). */
  logStream?: NodeJS.WritableStream;
  /** The password hasher under the concurrency limit (default argon2id); tests observe hashing through it. */
  passwords?: PasswordHasher;
  /** A blob store to use instead of the configured one (tests that simulate a failing disk). */
  blobs?: BlobStore;
  /** How free space is read instead of `statfs` (tests that simulate a small volume). */
  freeBytes?: FreeBytesProbe;
  /**
   * Test seam: serve a SQLite file another server of this same process serves (two servers over
   * one database compared side by side). Across processes a SQLite file always has one server.
   */
  shareSqliteInProcess?: boolean;
  /** The node lease's length and renewal interval (default LEASE_MS, HEARTBEAT_MS; tests shorten them). */
  nodeLease?: { leaseMs: number; heartbeatMs: number };
}

/** The local folders whose volumes must keep room: the disk store's, and SQLite's (a full disk stops it too). */
function watchedFolders(config: Config): string[] {
  const folders: string[] = [];
  if (config.media.kind === 'disk') folders.push(config.media.root);
  if (config.database.kind === 'sqlite' && config.database.path !== ':memory:') {
    folders.push(path.dirname(config.database.path));
  }
  return folders;
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

  const log = createLogger(config, options.logStream);
  const { db, lease, nodeLeaseLost } = await openForServing(config, options, log);
  let blobs: BlobStore;
  try {
    blobs = options.blobs ?? createBlobStore(config.media, { secret, publicUrl });
  } catch (error) {
    // Free the node id (on SQLite: the file) for the next attempt, in this process or another.
    await lease.release().catch(() => undefined);
    await db.close();
    throw error;
  }
  const space = new FreeSpaceGuard({
    paths: watchedFolders(config),
    minFreeBytes: config.minFreeBytes,
    ...(options.freeBytes ? { probe: options.freeBytes } : {}),
  });
  const reads = openReads(config, db, log);
  const gate = new ShutdownGate();
  const metrics = createMetrics({
    readStats: () => reads.stats(),
    requestsInFlight: () => gate.inFlight,
    deployment: deploymentMetricSources({ db, log, clock, space, nodeLease: () => lease.assertHeld() }),
  });
  const ids = createIdGenerator({
    nodeId: lease.node,
    clock: () => clock.now().getTime(),
    guard: () => lease.assertHeld(),
  });
  configureSharp();
  // Postgres may be shared by many processes: their wake-ups travel by LISTEN/NOTIFY, and the polls
  // become safety nets. One process owns an SQLite file: in-process wake-ups reach everyone.
  const wakeups = wakeupsFor(config.database, db, log);
  const videoTools = new VideoTools({
    paths: config.videoTools,
    cacheDir: path.join(config.dataDir, 'cache', 'video-tools'),
  });
  // Once at start, for the log: a missing or broken tool disables video uploads, nothing else.
  videoTools.check().then(
    () => log.debug('video tools ready'),
    (err: unknown) => log.warn({ err }, 'video uploads are disabled'),
  );
  const { api: services, background } = createServices({
    db,
    reads,
    blobs,
    space,
    ids,
    clock,
    secret,
    publicUrl,
    sessionTtlDays: config.sessionTtlDays,
    mediaSettings: config.mediaSettings,
    feedSettings: config.feedSettings,
    viewFlushMs: config.viewFlushMs,
    log,
    passwordHashing: config.passwordHashing,
    ...(options.passwords ? { passwords: options.passwords } : {}),
    leaseHolder: lease.holder,
    wakeups,
    ...(wakeups.crossProcess ? { safetyPollMs: config.safetyPollMs } : {}),
    videoTools,
    videoTempDir: config.videoTempDir,
    writeLimits: config.writeLimits,
    wordFilterFile: config.wordFilterFile,
    accountData: config.accountData,
  });
  try {
    // A broken rules file stops the start: serving without rules the operator believes are active
    // would let through what they meant to stop.
    await services.wordFilters.loadFile();
  } catch (error) {
    await lease.release().catch(() => undefined);
    await db.close();
    throw new Error(`APERTURE_WORD_FILTER_FILE ${config.wordFilterFile}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const built = buildApp({
    config,
    db,
    blobs,
    space,
    services,
    metrics,
    clock,
    logger: log,
    leanQueries: options.leanQueries,
    gate,
    nodeLease: () => lease.assertHeld(),
  });
  const metricsApp =
    config.metrics.port === undefined ? undefined : buildMetricsApp(metrics, config.metrics.token, log);
  let metricsUrl: string | undefined;
  let stopping: Promise<void> | undefined;
  const runsBackgroundWork = config.role !== 'api' && options.backgroundWork !== false;

  return {
    app: built,
    services,
    background,
    db,
    blobs,
    nodeId: lease.node,
    leaseHolder: lease.holder,
    nodeLeaseLost,
    get requestsInFlight() {
      return gate.inFlight;
    },
    get url() {
      if (!url) throw new Error('server not started');
      return url;
    },
    get metricsUrl() {
      return metricsUrl;
    },
    async settle() {
      for (const task of background.tasks) await task.flush?.();
    },
    async start() {
      await built.listen({ host: config.host, port: config.port });
      const address = built.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
      url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
      if (metricsApp) {
        try {
          await metricsApp.listen({ host: config.metrics.host, port: config.metrics.port });
        } catch (error) {
          // A metrics port already taken must not leave the API listening without its metrics.
          await built.close();
          throw error;
        }
        metricsUrl = baseUrl(config.metrics.host, metricsApp);
      }
      // This process holds the node id now, so every earlier holder of it is dead or fenced off
      // (its lease lapsed): what it held is free now, not when its work leases lapse. (Whatever
      // role it had, so this runs in every role.)
      const patterns = earlierHolderPatterns(lease.node);
      const media = await background.mediaProcessor.releaseLeasesOf(patterns);
      const events = await background.dispatcher.releaseLeasesOf(patterns);
      if (media + events > 0) log.info({ media, events }, "released the leases this node id's earlier holder held");
      for (const task of background.tasks) {
        if (task.runsIn === 'every-role' || runsBackgroundWork) task.start();
      }
      return url;
    },
    async stop() {
      stopping ??= (async () => {
        gate.close();
        // Live notification streams never end by themselves; close() would wait for them.
        services.notifications.close();
        await closeWithin(built, gate, config.shutdownGraceMs, log);
        await metricsApp?.close();
        // A probe or transcode still running would outlive the server: end them.
        await videoTools.stop();
        // After close: no request can count a view or note activity any more, so what the tasks
        // write on stopping is the last of it.
        for (const task of background.tasks) await task.stop();
        await background.pipeline.close();
        // Nothing of this process works on a claim any more: free what is left for the others.
        await background.mediaProcessor
          .releaseOwnLeases()
          .catch((err: unknown) => log.error({ err }, 'release failed'));
        await background.dispatcher.releaseOwnLeases().catch((err: unknown) => log.error({ err }, 'release failed'));
        await lease.release().catch((err: unknown) => log.error({ err }, 'node lease release failed'));
        await blobs.close();
        await reads.close();
        await db.close();
      })();
      return stopping;
    },
  };
}

/**
 * Closes the HTTP server once the requests in flight have finished (the gate refuses new ones
 * meanwhile), or at `graceMs`, when the connections still open are closed under them.
 */
async function closeWithin(
  app: FastifyInstance,
  gate: ShutdownGate,
  graceMs: number,
  log: Pick<FastifyInstance['log'], 'warn'>,
): Promise<void> {
  const idle = await gate.whenIdle(Date.now() + graceMs);
  if (!idle) {
    log.warn({ graceMs, inFlight: gate.inFlight }, 'requests still in flight after the shutdown grace: closing them');
    app.server.closeAllConnections();
  }
  await app.close();
}

/**
 * The read replica when one is configured (Postgres; loadConfig refuses one with SQLite), reading
 * the primary's schema; otherwise every read on the primary. A replica that is down at start does
 * not stop the server: reads go to the primary until it answers.
 */
function openReads(config: Config, db: Db, log: Logger): Reads {
  if (!config.readReplica || db.schema === undefined) return primaryReads(db);
  const replica = createPostgresKysely(config.readReplica.url, db.schema);
  return new ReplicaReads({ primary: db, replica, log, maxLagMs: config.readReplica.maxLagMs });
}

/** `http://host:port` of the metrics listener; a wildcard host is reached through the loopback. */
function baseUrl(host: string, app: FastifyInstance): string {
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
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
