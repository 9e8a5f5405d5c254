import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { AppError } from '../errors/app-error.js';
import { restErrorBody } from '../errors/map-error.js';
import { bearerToken } from './auth.js';
import { handleHttpError, handleNotFound } from './errors.js';
import type { Metrics } from './metrics.js';

/**
 * `GET /metrics` in Prometheus' text format. With a token, only `Authorization: Bearer <token>`
 * is answered: the metrics name every procedure and its error rates, and the process's memory
 * and CPU, which is reconnaissance an anonymous caller should not get.
 */
export function registerMetricsRoute(app: FastifyInstance, metrics: Metrics, token: string | undefined): void {
  app.get('/metrics', async (request, reply) => {
    if (token !== undefined && !sameSecret(bearerToken(request.headers.authorization), token)) {
      return reply
        .status(401)
        .header('www-authenticate', 'Bearer realm="metrics"')
        .send(restErrorBody(new AppError('UNAUTHENTICATED', 'Send the metrics token: Authorization: Bearer <token>.')));
    }
    return reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}

/** Compares digests, so the time taken tells nothing about the token, its prefix or its length. */
function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * The separate listener of APERTURE_METRICS_PORT: `/metrics` and nothing else, on an interface a
 * scraper reaches and the public does not (127.0.0.1 unless APERTURE_METRICS_HOST says otherwise).
 */
export function buildMetricsApp(metrics: Metrics, token: string | undefined, log: FastifyBaseLogger): FastifyInstance {
  const app = Fastify({
    loggerInstance: log,
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.setErrorHandler(handleHttpError);
  app.setNotFoundHandler(handleNotFound);
  registerMetricsRoute(app, metrics, token);
  return app;
}
