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
 * The code a failure is counted under in the report: the Aperture error code (`RATE_LIMITED`,
 * `INTERNAL`…) when the server sent one, `HTTP_502` when only a status came back, else the network
 * error's code or name (`ECONNREFUSED`, `UND_ERR_SOCKET`, `TimeoutError`).
 */
export function errorCode(error: unknown): string {
  if (error instanceof RequestFailedError) return error.code;
  if (error instanceof NetworkError) return networkCode(error.cause) ?? 'NETWORK';
  if (error instanceof ApertureError) return error.code;
  return networkCode(error) ?? (error instanceof Error ? error.name : 'UNKNOWN');
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
