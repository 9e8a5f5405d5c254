import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import type { Config } from '../config/config.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/connect.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { FreeSpaceGuard } from '../storage/free-space.js';
import type { ApiServices } from '../services.js';
import { createAppRouter, type AppRouter } from '../api/router.js';
import type { RequestContext } from '../api/context.js';
import { toAppError } from '../errors/map-error.js';
import { closeIfBodyUnread, handleHttpError, handleNotFound } from './errors.js';
import { registerOpsRoutes } from './health.js';
import type { ShutdownGate } from './shutdown-gate.js';
import type { Metrics } from './metrics.js';
import { registerUploadRoutes } from './uploads.js';
import { bearerToken, connectionParamsToken } from './auth.js';
import { registerMediaRoutes } from './media.js';
import { registerExportRoutes } from './exports.js';
import { registerTrpcRoutes } from './trpc-route.js';
import { ClientLimits, trustedProxies } from './client-limits.js';

export interface AppDeps {
  config: Config;
  db: Db;
  blobs: BlobStore;
  space: FreeSpaceGuard;
  services: ApiServices;
  metrics: Metrics;
  /** The time per-client rate limits refill by. */
  clock: Clock;
  /** The process's logger (`createLogger`): request lines go through it too. */
  logger: FastifyBaseLogger;
  /** false: every call through tRPC's stock adapter (tests compare both paths). Default true. */
  leanQueries?: boolean | undefined;
  /** Closed by the server's stop: refuses new requests while those in flight finish. */
  gate: ShutdownGate;
  /** Throws when this process may not create ids (its node lease is not known to be held). */
  nodeLease: () => void;
}

export function buildApp({
  config,
  db,
  blobs,
  space,
  services,
  metrics,
  clock,
  logger,
  leanQueries,
  gate,
  nodeLease,
}: AppDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: logger,
    genReqId: () => randomUUID(),
    // One line per request (the onResponse hook below) instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: trustedProxies(config.trustProxy),
    bodyLimit: 1024 * 1024,
    routerOptions: { maxParamLength: 5_000 },
  });

  gate.register(app);
  app.setErrorHandler(handleHttpError);
  app.setNotFoundHandler(handleNotFound);
  app.addHook('onSend', closeIfBodyUnread);
  // Per-request hooks take callbacks: a promise per request per hook is measurable on a feed read.
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info({ req: request, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
    metrics.recordHttp(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: reply.statusCode },
      reply.elapsedTime / 1000,
    );
    done();
  });

  const router = createAppRouter(services, metrics);
  const limits = new ClientLimits(config.rateLimits, () => clock.now().getTime());
  const trpcOptions: FastifyTRPCPluginOptions<AppRouter>['trpcOptions'] = {
    router,
    maxBatchSize: config.maxBatchSize,
    async createContext({ req, info }): Promise<RequestContext> {
      const token = bearerToken(req.headers.authorization) ?? connectionParamsToken(info.connectionParams);
      const viewer = token ? await services.accounts.authenticate(token) : null;
      // Throwing here fails every call of the request with RATE_LIMITED before any runs.
      limits.admit(
        req.ip,
        info.calls.map((call) => call.path),
        viewer !== null,
      );
      return { viewer, requestId: req.id, ip: req.ip ?? null, userAgent: req.headers['user-agent'] ?? null };
    },
    onError({ error, path, req }) {
      const app = toAppError(error);
      if (app.code === 'INTERNAL' || app.code === 'UNAVAILABLE' || app.code === 'STORAGE_FULL') {
        req.log.error({ err: error.cause ?? error, path }, 'procedure failed');
      }
    },
    responseMeta({ errors }) {
      const retryAfter = errors.map((e) => toAppError(e).retryAfter).find((s) => s !== undefined);
      return retryAfter !== undefined ? { headers: { 'retry-after': String(retryAfter) } } : {};
    },
  };
  registerOpsRoutes(app, {
    db,
    blobs,
    space,
    metrics,
    metricsToken: config.metrics.token,
    draining: () => gate.draining,
    nodeLease,
    videoTools: () => services.videoTools.check(),
  });
  // A `worker` process does background work only: it answers health and metrics, not the API, so
  // a load balancer that probes /readyz cannot route user traffic to it by mistake.
  if (config.role !== 'worker') {
    registerTrpcRoutes(app, trpcOptions, { lean: leanQueries ?? true });
    const { maxBytes, maxVideoBytes } = config.mediaSettings;
    registerUploadRoutes(app, { blobs, space, maxBytes: Math.max(maxBytes, maxVideoBytes) });
    registerMediaRoutes(app, { serving: services.mediaServing, blobs, accounts: services.accounts });
    registerExportRoutes(app, { accountData: services.accountData, blobs });
  }
  return app;
}
