/** The token of an `Authorization: Bearer <token>` header, if there is one. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}

/**
 * The token an SSE subscription sends in tRPC's `connectionParams` (EventSource cannot set an
 * Authorization header, so httpSubscriptionLink puts them in the query string).
 */
export function connectionParamsToken(
  params: Record<string, string | undefined> | null | undefined,
): string | undefined {
  const token = params?.['token'];
  return typeof token === 'string' && token !== '' ? token : undefined;
}

/** A request URL fit for a log line: `connectionParams` (which may carry a token) is cut out. */
export function redactUrl(url: string): string {
  return url.replace(/([?&]connectionParams=)[^&]*/g, '$1[redacted]');
}
