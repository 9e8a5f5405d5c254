import { Gauge, type Registry } from 'prom-client';
import type { Clock } from '../clock.js';
import type { Db } from '../db/connect.js';
import { countLiveNodesByRole } from '../db/live-nodes.js';
import { readOutboxBacklog, type OutboxBacklog } from '../events/outbox-backlog.js';
import { cachedReading } from '../lib/cached-reading.js';
import type { Logger } from '../lib/logger.js';
import { readMediaQueue, type MediaQueue } from '../modules/media/queue.js';
import type { FreeSpaceGuard, FreeSpaceReading } from '../storage/free-space.js';

/**
 * How long one reading of the queues serves scrapes. Every process of a deployment reports the same
 * numbers, so N processes scraped every 15 s already ask N times; the cache keeps a scrape storm (or
 * a dashboard refreshing every second) at one round of queries per process per 5 s.
 */
export const DEPLOYMENT_STATS_CACHE_MS = 5_000;

/** The deployment's queues and processes, read from the database. */
export interface DeploymentStats {
  outbox: OutboxBacklog;
  media: MediaQueue;
  /** Live node leases by role. */
  liveNodes: Map<string, number>;
}

/** What the gauges of this file read at scrape time. */
export interface DeploymentMetricSources {
  /** The queues; undefined when the database could not be read (the gauges are then left out). */
  stats: () => Promise<DeploymentStats | undefined>;
  /** Epoch ms, from the server's clock: the ages of the oldest queued items are measured with it. */
  now: () => number;
  /** Throws unless this process's node lease is known to be held (as before every new id). */
  nodeLease?: () => void;
  /** The tightest volume Aperture writes to (the disk store's, the SQLite file's). */
  freeSpace?: () => Promise<FreeSpaceReading>;
}

/**
 * The database readings behind the queue gauges, at most one round per `cacheMs`. A failure is
 * logged once when it starts and once when it ends, not on every scrape while the database is down.
 */
export function deploymentStatsReader(deps: {
  db: Db;
  log: Logger;
  now: () => number;
  cacheMs?: number;
}): () => Promise<DeploymentStats | undefined> {
  let failing = false;
  const read = async (): Promise<DeploymentStats | undefined> => {
    try {
      const stats = {
        outbox: await readOutboxBacklog(deps.db),
        media: await readMediaQueue(deps.db),
        liveNodes: await countLiveNodesByRole(deps.db),
      };
      if (failing) deps.log.info({}, 'metrics: the queues can be read again');
      failing = false;
      return stats;
    } catch (error) {
      if (!failing) {
        deps.log.error({ err: error }, 'metrics: could not read the queues; their gauges are left out until it works');
      }
      failing = true;
      return undefined;
    }
  };
  return cachedReading(read, deps.cacheMs ?? DEPLOYMENT_STATS_CACHE_MS, deps.now);
}

/** The sources of a server: its database (cached readings), clock, node lease and free-space guard. */
export function deploymentMetricSources(deps: {
  db: Db;
  log: Logger;
  clock: Clock;
  space: Pick<FreeSpaceGuard, 'read'>;
  nodeLease: () => void;
}): DeploymentMetricSources {
  const now = () => deps.clock.now().getTime();
  return {
    stats: deploymentStatsReader({ db: deps.db, log: deps.log, now }),
    now,
    nodeLease: deps.nodeLease,
    freeSpace: () => deps.space.read(),
  };
}

/** Seconds since `iso` (0 when there is nothing, or it lies in the future by clock skew). */
function ageSeconds(iso: string | undefined, now: number): number {
  if (iso === undefined) return 0;
  return Math.max(0, (now - Date.parse(iso)) / 1000);
}

/** A gauge whose value comes from the shared stats at scrape time; left out when they are unknown. */
function statsGauge(
  registry: Registry,
  sources: DeploymentMetricSources,
  name: string,
  help: string,
  value: (stats: DeploymentStats, now: number) => number,
): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    async collect() {
      const stats = await sources.stats();
      this.reset();
      if (stats) this.set(value(stats, sources.now()));
    },
  });
}

export function registerDeploymentMetrics(registry: Registry, sources: DeploymentMetricSources): void {
  const deploymentWide = '(The whole deployment, read from the database at most every 5 s.)';
  statsGauge(
    registry,
    sources,
    'aperture_outbox_pending_events',
    `Outbox events not delivered yet to their handlers (fan-out, hashtags, notifications). ${deploymentWide}`,
    (s) => s.outbox.pending,
  );
  statsGauge(
    registry,
    sources,
    'aperture_outbox_oldest_pending_seconds',
    `Age of the oldest undelivered outbox event; 0 when none is pending. ${deploymentWide}`,
    (s, now) => ageSeconds(s.outbox.oldestPendingAt, now),
  );
  statsGauge(
    registry,
    sources,
    'aperture_outbox_parked_events',
    `Outbox events set aside after too many failed attempts (aperture admin events --status parked). ${deploymentWide}`,
    (s) => s.outbox.parked,
  );
  statsGauge(
    registry,
    sources,
    'aperture_media_queue_depth',
    `Uploads waiting for a worker to process them (status processing). ${deploymentWide}`,
    (s) => s.media.queued,
  );
  statsGauge(
    registry,
    sources,
    'aperture_media_oldest_queued_seconds',
    `How long the oldest upload waiting for processing has waited; 0 when none is. ${deploymentWide}`,
    (s, now) => ageSeconds(s.media.oldestQueuedAt, now),
  );
  new Gauge({
    name: 'aperture_node_leases',
    help: `Processes holding a live node lease, by role. ${deploymentWide}`,
    labelNames: ['role'],
    registers: [registry],
    async collect() {
      const stats = await sources.stats();
      this.reset();
      for (const [role, count] of stats?.liveNodes ?? []) this.set({ role }, count);
    },
  });
  const assertHeld = sources.nodeLease;
  if (assertHeld) {
    new Gauge({
      name: 'aperture_node_lease_held',
      help: '1 while this process holds its node id and may create ids, 0 while it cannot renew it.',
      registers: [registry],
      collect() {
        try {
          assertHeld();
          this.set(1);
        } catch {
          this.set(0);
        }
      },
    });
  }
  if (sources.freeSpace) registerFreeSpaceMetrics(registry, sources.freeSpace);
}

/** Free space as the upload floor sees it; left out when no local volume is written (S3 and Postgres). */
function registerFreeSpaceMetrics(registry: Registry, freeSpace: () => Promise<FreeSpaceReading>): void {
  new Gauge({
    name: 'aperture_storage_free_bytes',
    help: 'Free bytes on the tightest volume this process writes to (the disk store, the SQLite file).',
    labelNames: ['path'],
    registers: [registry],
    async collect() {
      const reading = await freeSpace();
      this.reset();
      if (reading.path !== undefined && reading.freeBytes !== undefined) {
        this.set({ path: reading.path }, reading.freeBytes);
      }
    },
  });
  new Gauge({
    name: 'aperture_storage_min_free_bytes',
    help: 'APERTURE_MIN_FREE_MB in bytes: below it uploads are refused and /readyz fails (0: no floor).',
    registers: [registry],
    async collect() {
      const reading = await freeSpace();
      this.reset();
      if (reading.path !== undefined) this.set(reading.minFreeBytes);
    },
  });
}
