/**
 * The logging the server's own code does outside a request: background work, sweeps, flushes. The
 * process's pino logger (made first in `server.ts`, then handed to Fastify) satisfies it, and a
 * test can pass a silent or recording one.
 */
export interface Logger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}
