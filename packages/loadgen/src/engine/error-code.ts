import { ApertureError, NetworkError } from '@aperture/sdk';

/** A failed request whose cause is known: an HTTP status, an Aperture code, or both. */
export class RequestFailedError extends Error {
  override name = 'RequestFailedError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * undici's timeouts under their own names: what an overloaded server does to the worker's
 * connection pool reads differently from a server answering with an error. A connect timeout is
 * the pool failing to open a connection (the server's accept queue is full); the others are a
 * request on a connection waiting too long for its answer.
 */
const TIMEOUT_CODES: Record<string, string> = {
  UND_ERR_CONNECT_TIMEOUT: 'POOL_CONNECT_TIMEOUT',
  UND_ERR_HEADERS_TIMEOUT: 'RESPONSE_HEADERS_TIMEOUT',
  UND_ERR_BODY_TIMEOUT: 'RESPONSE_BODY_TIMEOUT',
};

/**
 * The code a failure is counted under in the report: the Aperture error code (`RATE_LIMITED`,
 * `INTERNAL`…) when the server sent one, `HTTP_502` when only a status came back, a named timeout
 * (`POOL_CONNECT_TIMEOUT`, `RESPONSE_HEADERS_TIMEOUT`, `RESPONSE_BODY_TIMEOUT`), else the network
 * error's code or name (`ECONNREFUSED`, `UND_ERR_SOCKET`, `TimeoutError`).
 */
export function errorCode(error: unknown): string {
  if (error instanceof RequestFailedError) return error.code;
  if (error instanceof ApertureError && !(error instanceof NetworkError)) return error.code;
  const code = networkCode(error instanceof NetworkError ? error.cause : error);
  if (code !== undefined) return TIMEOUT_CODES[code] ?? code;
  if (error instanceof NetworkError) return 'NETWORK';
  return error instanceof Error ? error.name : 'UNKNOWN';
}

function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  // fetch wraps the socket error: TypeError('fetch failed') with the real one as `cause`.
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === 'string') return code;
    if (current.name !== 'TypeError' && current.name !== 'Error') return current.name;
    current = current.cause;
  }
  return undefined;
}

/** The code of a tRPC error body (`{ error: { data: { appCode } } }`), or HTTP_<status>. */
export function codeOfResponse(status: number, body: unknown): string {
  const data = (body as { error?: { data?: { appCode?: unknown } } } | null)?.error?.data;
  return typeof data?.appCode === 'string' ? data.appCode : `HTTP_${status}`;
}
