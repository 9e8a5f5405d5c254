import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors/app-error.js';
import { restErrorBody } from '../errors/map-error.js';

/** Routes a draining server still answers: liveness, and readiness (which then says 503). */
const ALWAYS_ANSWERED = new Set(['/healthz', '/readyz']);

/** How long, at least, a client told to reconnect elsewhere waits (SSE `retry:`); spread over 4 s more. */
const RECONNECT_MIN_MS = 1_000;
const RECONNECT_SPREAD_MS = 4_000;

/**
 * The first step of a graceful stop: from `close()` on, /readyz answers 503 (a load balancer stops
 * sending traffic), every other new request is refused with 503 `UNAVAILABLE` and
 * `Connection: close` (the client retries, on a new connection, wherever the balancer sends it),
 * and event streams that end get an SSE `retry:` field, a spread-out delay, so their clients
 * reconnect to another process without all arriving at once. Requests already in flight are
 * untouched: the server waits for them.
 */
export class ShutdownGate {
  private closing = false;
  /** Requests admitted and not yet finished (answered, or abandoned by their client). */
  private active = 0;
  private idle: (() => void) | undefined;

  get draining(): boolean {
    return this.closing;
  }

  /** Requests in flight now. */
  get inFlight(): number {
    return this.active;
  }

  close(): void {
    this.closing = true;
  }

  /**
   * Resolves true once no admitted request is in flight, or false at `deadline` (epoch ms) if
   * some still are. The listener stays open meanwhile, so new requests get a clean 503 rather
   * than a refused connection.
   */
  async whenIdle(deadline: number): Promise<boolean> {
    if (this.active === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<boolean>((resolve) => (this.idle = () => resolve(true)));
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), deadline - Date.now())));
    try {
      return await Promise.race([idle, late]);
    } finally {
      clearTimeout(timer);
      this.idle = undefined;
    }
  }

  // Both hooks take callbacks rather than returning promises: they run on every request, and an
  // async hook costs a promise and, on `onSend`, defers the send past the handler's own await.
  register(app: FastifyInstance): void {
    app.addHook('onRequest', (request, reply, done) => {
      if (!this.closing || ALWAYS_ANSWERED.has(request.url.split('?')[0]!)) {
        this.active += 1;
        // 'close' fires once the response is written or the client went away, whichever comes first.
        reply.raw.once('close', () => {
          this.active -= 1;
          if (this.active === 0) this.idle?.();
        });
        done();
        return;
      }
      // Answered here: the request goes no further (`done` is not called).
      const error = new AppError('UNAVAILABLE', 'This server is shutting down; send the request again.');
      void reply.status(503).header('connection', 'close').header('retry-after', '1').send(restErrorBody(error));
    });
    app.addHook('onSend', (_request, _reply, payload, done) => {
      // tRPC answers with a Fetch Response (possibly another realm's class: compare tags).
      if (Object.prototype.toString.call(payload) !== '[object Response]') {
        done(null, payload);
        return;
      }
      const response = payload as Response;
      if (response.body === null || !String(response.headers.get('content-type')).includes('text/event-stream')) {
        done(null, payload);
        return;
      }
      const closing = (): boolean => this.closing;
      const withRetry = response.body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          flush(controller) {
            // The stream ended because this server is stopping: tell the client when to come back.
            if (!closing()) return;
            const retryMs = RECONNECT_MIN_MS + Math.floor(Math.random() * RECONNECT_SPREAD_MS);
            controller.enqueue(new TextEncoder().encode(`retry: ${retryMs}\n\n`));
          },
        }),
      );
      done(null, new Response(withRetry, { status: response.status, headers: response.headers }));
    });
  }
}
