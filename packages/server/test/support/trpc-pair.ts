import { createServer, type ApertureServer } from '../../src/server.js';
import { startTestServer, type TestServer, type TestServerOptions } from './server.js';

/**
 * One database answered by two servers: the default one, whose GET queries take the lean path,
 * and one with `leanQueries: false`, where tRPC's own Fastify handler answers everything.
 */
export interface ServerPair {
  lean: TestServer;
  stock: ApertureServer;
  stockUrl: string;
  stop(): Promise<void>;
}

export async function startServerPair(options: TestServerOptions): Promise<ServerPair> {
  const lean = await startTestServer(options);
  const stock = await createServer(lean.config, {
    leanQueries: false,
    backgroundWork: false,
    shareSqliteInProcess: true,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const stockUrl = await stock.start();
  return {
    lean,
    stock,
    stockUrl,
    async stop() {
      await stock.stop();
      await lean.stop();
    },
  };
}

/** What a client sees of an answer: its status, the headers tRPC sets, and the body's bytes. */
export interface RawAnswer {
  status: number;
  contentType: string | null;
  vary: string | null;
  retryAfter: string | null;
  allow: string | null;
  /** Set by the lean path, which knows its body; tRPC's handler streams it (chunked). */
  contentLength: string | null;
  body: string;
}

/** `GET /trpc/<pathAndQuery>` as any HTTP client sends it. */
export async function getTrpc(
  base: string,
  pathAndQuery: string,
  options: { token?: string | undefined; headers?: Record<string, string> } = {},
): Promise<RawAnswer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${base}/trpc/${pathAndQuery}`, { headers });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    vary: response.headers.get('vary'),
    retryAfter: response.headers.get('retry-after'),
    allow: response.headers.get('allow'),
    contentLength: response.headers.get('content-length'),
    body: await response.text(),
  };
}

/** `input=<json>` for a query string. */
export const inputParam = (value: unknown): string => `input=${encodeURIComponent(JSON.stringify(value))}`;

/**
 * Every error carries the id of its own request (a fresh UUID per request, by design), so two
 * answers can only be compared with those ids blanked. Anything else in a body stays as it is.
 */
export function blankRequestIds(body: string): string {
  return body.replace(/"requestId":"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"/g, '"requestId":"…"');
}
