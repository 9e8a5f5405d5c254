import { request } from 'undici';
import { codeOfResponse, RequestFailedError } from '../engine/error-code.js';
import type { ScenarioContext } from './types.js';

/**
 * One tRPC query as a plain GET (`/trpc/<procedure>?input=…`), the way a browser's first page load
 * does it, without the SDK's batching link: the cheapest request the generator can make, so the
 * generator's own CPU limits as late as possible.
 */
export async function trpcQuery<T>(
  ctx: ScenarioContext,
  procedure: string,
  input: unknown,
  token: string | undefined,
): Promise<T> {
  const url = `${ctx.targetFor(token)}/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`;
  const body = await getJson(ctx, url, token);
  return (body as { result: { data: T } }).result.data;
}

/**
 * GETs `url` through the worker's pool, with `headers` and the user's token; anything but a 2xx is a
 * {@link RequestFailedError}.
 */
export async function getJson(
  ctx: ScenarioContext,
  url: string,
  token: string | undefined,
  headers: Record<string, string> = {},
): Promise<unknown> {
  const response = await request(url, {
    dispatcher: ctx.dispatcher,
    headers: token === undefined ? headers : { ...headers, authorization: `Bearer ${token}` },
  });
  const text = await response.body.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  if (response.statusCode < 200 || response.statusCode >= 300) {
    throw new RequestFailedError(codeOfResponse(response.statusCode, body), `GET ${url}: HTTP ${response.statusCode}`);
  }
  return body;
}
