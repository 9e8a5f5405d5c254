import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error.js';
import { restErrorBody, toAppError } from '../errors/map-error.js';

/** Fastify's own failures (body too large, bad content type) mapped onto our table. */
function fromFastify(error: FastifyError): AppError | undefined {
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new AppError('PAYLOAD_TOO_LARGE');
  if (error.code?.startsWith('FST_ERR_CTP_') || error.validation) {
    return new AppError('MALFORMED_REQUEST', error.message);
  }
  return undefined;
}

/**
 * The error handler for every non-tRPC route: a stable `{ error: { code, message } }` body, the
 * status from our table, internals only in the log (with the request id to find them).
 */
export function handleHttpError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const app = fromFastify(error) ?? toAppError(error);
  if (app.code === 'INTERNAL') request.log.error({ err: error }, 'unhandled error');
  if (app.code === 'UNAVAILABLE' || app.code === 'STORAGE_FULL') request.log.error({ err: error }, app.message);
  if (app.retryAfter !== undefined) void reply.header('retry-after', String(app.retryAfter));
  void reply.status(app.status).send(restErrorBody(app));
}

/**
 * An `onSend` hook for every route: an answer given before the request body was read to its end
 * (an error mid-upload, a refusal up front, a body over the limit) closes the connection. Node
 * discards an unread body only when the handler never started reading it; otherwise the rest
 * stays on the wire, and the next request on the same keep-alive connection waits behind it until
 * a timeout. Reading the rest instead could mean megabytes the answer has already refused.
 */
export function closeIfBodyUnread(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
  done: (error: Error | null, payload: unknown) => void,
): void {
  // A request without a body may not be marked complete yet when answered at once (a 404).
  const hasBody = request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length']) > 0;
  if (hasBody && !request.raw.complete) void reply.header('connection', 'close');
  // A callback, not a promise: this runs on every answer, and an async hook defers each send.
  done(null, payload);
}

export function handleNotFound(request: FastifyRequest, reply: FastifyReply): void {
  void reply
    .status(404)
    .send(restErrorBody(new AppError('NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0]}.`)));
}
