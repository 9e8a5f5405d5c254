import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/connect.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { FreeSpaceGuard } from '../storage/free-space.js';
import type { Metrics } from './metrics.js';
import { registerMetricsRoute } from './metrics-route.js';

const READY_TIMEOUT_MS = 2_000;

/** One line of /readyz. `required: false` marks a check that is reported but does not decide readiness. */
interface CheckResult {
  name: string;
  ok: boolean;
  error?: string;
  required?: false;
}

async function check(name: string, probe: () => Promise<void>): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
  });
  try {
    await Promise.race([probe(), timeout]);
    return { name, ok: true };
  } catch (error) {
    // The probe's own message names the failure without credentials (connection refused, timeout).
    return { name, ok: false, error: error instanceof Error ? error.message.split('\n')[0] : 'failed' };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Liveness, readiness and Prometheus metrics. `/metrics` is served here only behind its token:
 * without APERTURE_METRICS_TOKEN it is not a route of the public port at all (404).
 */
export function registerOpsRoutes(
  app: FastifyInstance,
  deps: {
    db: Db;
    blobs: BlobStore;
    space: Pick<FreeSpaceGuard, 'check'>;
    metrics: Metrics;
    metricsToken: string | undefined;
    /** Set once a stop began: readiness fails at once, before the listener closes. */
    draining: () => boolean;
    /** Throws when this process may not create ids (its node lease is not known to be held). */
    nodeLease: () => void;
    /** Throws when ffmpeg or ffprobe cannot run: video uploads are refused, everything else works. */
    videoTools: () => Promise<void>;
  },
): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    if (deps.draining()) {
      const checks = [{ name: 'shutdown', ok: false, error: 'shutting down' }];
      return reply.status(503).header('connection', 'close').send({ status: 'unavailable', checks });
    }
    const checks: CheckResult[] = await Promise.all([
      check('database', () => deps.db.ping()),
      check(`media (${deps.blobs.kind})`, () => deps.blobs.ping()),
      // Below APERTURE_MIN_FREE_MB uploads are refused: send traffic elsewhere until space is freed.
      check('free space', () => deps.space.check()),
      // A process whose node id may be another's creates nothing: send traffic elsewhere.
      check('node lease', async () => deps.nodeLease()),
    ]);
    // Reported but not required: without its video tools the server still serves everything else.
    const optional = await check('video tools', deps.videoTools);
    const ready = checks.every((c) => c.ok);
    checks.push({ ...optional, required: false });
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', checks });
  });

  if (deps.metricsToken !== undefined) registerMetricsRoute(app, deps.metrics, deps.metricsToken);
}
