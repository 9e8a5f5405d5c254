import type { AnyProcedure, AnyRouter } from '@trpc/server';
import { leakIn } from './hostile.js';

/**
 * Calls a procedure the way a hostile client would (plain HTTP, any input, any credentials) and
 * judges the answer. Used by the input fuzzer.
 */

export interface Procedure {
  path: string;
  type: 'query' | 'mutation' | 'subscription';
  procedure: AnyProcedure;
}

/** Every procedure of a router, from its own flat map: a procedure added later is listed too. */
export function listProcedures(router: AnyRouter): Procedure[] {
  const map: Record<string, AnyProcedure> = router._def.procedures;
  return Object.entries(map).map(([path, procedure]) => ({
    path,
    type: procedure._def.type,
    procedure,
  }));
}

/** Who the caller claims to be: no one, a real session, or credentials that are garbage. */
export type Credentials =
  | { kind: 'none' }
  | { kind: 'session'; token: string }
  | { kind: 'header'; authorization: string }
  | { kind: 'connectionParams'; raw: string };

export interface Answer {
  status: number;
  body: string;
}

/** How long a subscription may stay quiet before the answer so far is judged. */
const SUBSCRIPTION_LISTEN_MS = 250;

export async function send(url: string, proc: Procedure, input: unknown, credentials: Credentials): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (credentials.kind === 'session') headers['authorization'] = `Bearer ${credentials.token}`;
  if (credentials.kind === 'header') headers['authorization'] = credentials.authorization;
  const params = new URLSearchParams();
  if (credentials.kind === 'connectionParams') params.set('connectionParams', credentials.raw);
  if (input !== undefined && proc.type !== 'mutation') params.set('input', JSON.stringify(input));
  const target = `${url}/trpc/${proc.path}${params.size > 0 ? `?${params.toString()}` : ''}`;
  if (proc.type === 'subscription') return listen(target, headers);
  const response = await fetch(target, {
    method: proc.type === 'mutation' ? 'POST' : 'GET',
    headers: proc.type === 'mutation' ? { ...headers, 'content-type': 'application/json' } : headers,
    ...(proc.type === 'mutation' && input !== undefined ? { body: JSON.stringify(input) } : {}),
  });
  return { status: response.status, body: await response.text() };
}

/** An SSE answer: what arrived until the stream ended, sent an error, or stayed quiet for a moment. */
async function listen(url: string, headers: Record<string, string>): Promise<Answer> {
  const abort = new AbortController();
  const response = await fetch(url, { headers, signal: abort.signal });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let body = '';
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const quiet = new Promise<'quiet'>((resolve) => {
        timer = setTimeout(() => resolve('quiet'), SUBSCRIPTION_LISTEN_MS);
      });
      const next = await Promise.race([reader.read(), quiet]);
      clearTimeout(timer);
      if (next === 'quiet' || next.done) break;
      body += decoder.decode(next.value as Uint8Array, { stream: true });
      if (/event: (serialized-error|return)\n[^\n]*\n\n/.test(body)) break;
    }
  } finally {
    abort.abort();
    await reader.cancel().catch(() => undefined);
  }
  return { status: response.status, body };
}

/** Why an answer is unacceptable (a 5xx, a leak), or undefined. */
export function problemWith(answer: Answer): string | undefined {
  if (answer.status >= 500) return `status ${answer.status}: ${answer.body.slice(0, 300)}`;
  const leak = leakIn(answer.body);
  if (leak) return `leaks ${leak}`;
  // SSE errors arrive inside a 200 stream, and a batch holds one answer per call: judge each.
  for (const match of answer.body.matchAll(/"httpStatus":(\d+)/g)) {
    if (Number(match[1]) >= 500) return `an error with httpStatus ${match[1]}: ${answer.body.slice(0, 300)}`;
  }
  return undefined;
}
