import type { IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TRPCError } from '@trpc/server';
import { createURL } from '@trpc/server/adapters/node-http';

// What tRPC's HTTP handler does around the procedures, restated for the lean query path where
// tRPC keeps its own helpers internal. Each follows tRPC's handler (`resolveResponse`) exactly.

/** tRPC's reading: `trpc-accept` if sent, else JSON lines if `accept` lists them. */
export function acceptHeader(req: FastifyRequest): string | null {
  const explicit = req.headers['trpc-accept'];
  if (explicit !== undefined) return Array.isArray(explicit) ? explicit.join(', ') : explicit;
  const accept = req.headers.accept;
  return accept?.split(',').some((type) => type.trim() === 'application/jsonl') ? 'application/jsonl' : null;
}

/**
 * A query string read the same whether the URL parser has seen it or not: printable ASCII and no
 * leading `?` (which `URLSearchParams` would drop and the URL keeps).
 */
const PLAIN_QUERY = /^(?!\?)[!-~]*$/;
/** Beyond this many distinct `Host` values the remembered ones are forgotten (a client may send any). */
const MAX_REMEMBERED_HOSTS = 64;

/**
 * The query parameters of a request as tRPC's adapter reads them: it builds a `URL` from the
 * request line and the `Host` header (refusing the request when it cannot) and reads its
 * `searchParams`. Building a `URL` per request costs about as much as the rest of the lean path's
 * own work, so a host that built once is remembered and a plain query string is parsed directly:
 * the same parameters, because the URL parser leaves such a string unchanged. Anything else
 * (spaces, non-ASCII, a `#`, a host not seen before) goes through `createURL` itself.
 */
export class QueryParams {
  private readonly hosts = new Set<string>();

  /** The parameters, or undefined where tRPC's adapter could not build the URL. */
  read(raw: IncomingMessage): URLSearchParams | undefined {
    const url = raw.url ?? '';
    const mark = url.indexOf('?');
    const query = mark === -1 ? '' : url.slice(mark + 1);
    const host = `${isEncrypted(raw) ? 'https' : 'http'}://${raw.headers.host ?? ''}`;
    // A path of its own (not `//authority…`), no fragment anywhere, and a plain query: the URL
    // would hold just these parameters.
    const plain = url.startsWith('/') && !url.startsWith('//') && !url.includes('#') && PLAIN_QUERY.test(query);
    if (plain && this.hosts.has(host)) return new URLSearchParams(query);
    let params: URLSearchParams;
    try {
      params = createURL(raw).searchParams;
    } catch {
      return undefined;
    }
    // Only a real Host header is remembered: tRPC falls back to `:authority`, then `localhost`.
    if (plain && raw.headers.host !== undefined) {
      if (this.hosts.size >= MAX_REMEMBERED_HOSTS) this.hosts.clear();
      this.hosts.add(host);
    }
    return params;
  }
}

/** As tRPC's adapter decides between `https:` and `http:`. */
function isEncrypted(raw: IncomingMessage): boolean {
  const scheme = raw.headers[':scheme'];
  return scheme === 'https' || (raw.socket !== null && 'encrypted' in raw.socket && Boolean(raw.socket.encrypted));
}

/** Aborts when the client leaves before the answer is written, as tRPC's request signal does. */
export function abortedWithClient(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableEnded) controller.abort();
  });
  return controller.signal;
}

/** tRPC's answer to data that only a streaming link could carry. */
export function streamRefused(): TRPCError {
  return new TRPCError({
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'Cannot use stream-like response in non-streaming request - use httpBatchStreamLink',
  });
}

/** tRPC's test for such data: an async iterable, or an object holding a promise or one. */
export function isDataStream(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  return isAsyncIterable(value) || Object.values(value).some((member) => isPromise(member) || isAsyncIterable(member));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isAsyncIterable(value: unknown): boolean {
  return isPlainObject(value) && Symbol.asyncIterator in value;
}

function isPromise(value: unknown): boolean {
  if (!isPlainObject(value) && typeof value !== 'function') return false;
  const thenable = value as { then?: unknown; catch?: unknown };
  return typeof thenable.then === 'function' && typeof thenable.catch === 'function';
}

/**
 * The headers of an answer with the Fetch `Headers` semantics tRPC writes them with (`set`
 * replaces, `append` adds; names are case-insensitive), without a `Headers` object per request.
 */
export class ResponseHeaders {
  private readonly values = new Map<string, string[]>();

  set(name: string, value: string): void {
    this.values.set(name.toLowerCase(), [value]);
  }

  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const values = this.values.get(key);
    if (values) values.push(value);
    else this.values.set(key, [value]);
  }

  writeTo(reply: FastifyReply): void {
    for (const [name, values] of this.values) {
      // As `Headers` reads them: one value, joined, except cookies, which stay apart.
      void reply.header(name, name === 'set-cookie' ? values : values.join(', '));
    }
  }
}
