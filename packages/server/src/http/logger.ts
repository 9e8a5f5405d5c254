import { pino, type Logger as PinoLogger } from 'pino';
import type { Config } from '../config/config.js';
import { redactUrl } from './auth.js';

/**
 * The process's logger, made before anything that logs: the services and background work log
 * through it, and Fastify is handed it (`loggerInstance`), so request lines and the rest share one
 * stream, level and redaction.
 */
export function createLogger(config: Pick<Config, 'logLevel'>, stream?: NodeJS.WritableStream): PinoLogger {
  return pino(
    {
      level: config.logLevel,
      serializers: {
        // Headers help debugging (user agent, proxies); credentials in them are redacted below.
        req: (req: { method: string; url: string; id: string; ip?: string; headers: Record<string, unknown> }) => ({
          id: req.id,
          method: req.method,
          url: redactUrl(req.url),
          ip: req.ip,
          headers: req.headers,
        }),
      },
      // Tokens must never reach a log line, whichever serializer or plugin logs the request.
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie'],
        censor: '[redacted]',
      },
    },
    stream,
  );
}
