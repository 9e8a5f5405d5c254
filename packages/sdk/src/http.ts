/** The `fetch` the SDK calls; the global one by default. */
export type FetchFunction = typeof globalThis.fetch;

/**
 * An HTTP answer that is not a tRPC JSON answer (a proxy's 502 page, a load balancer's 503):
 * thrown from the fetch wrapper so that the status survives to the error mapping, which tRPC's
 * link would otherwise lose while failing to parse the body as JSON.
 */
export class HttpStatusError extends Error {
  override name = 'HttpStatusError';
  constructor(
    readonly status: number,
    readonly retryAfter: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** Seconds from a `Retry-After` header: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/** Wraps `fetch` so that every answer that reaches tRPC is JSON, or a {@link HttpStatusError} is thrown. */
export function jsonOnlyFetch(fetchImpl: FetchFunction): FetchFunction {
  return async (input, init) => {
    const response = await fetchImpl(input, init);
    const text = await response.text();
    if (isJson(text)) {
      return new Response(text, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    }
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
    const reason = response.ok ? 'an answer that is not JSON' : `HTTP ${response.status}`;
    throw new HttpStatusError(
      response.status,
      retryAfter,
      `The server answered with ${reason}${response.statusText ? ` (${response.statusText})` : ''}.`,
    );
  };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
