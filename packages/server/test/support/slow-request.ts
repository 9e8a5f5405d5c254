import { request } from 'node:http';

/** An HTTP request whose body is sent in two halves: in flight until `finish()`. */
export interface SlowRequest {
  /** Sends the rest of the body; resolves to the status and body of the answer. */
  finish(): Promise<{ status: number; body: string }>;
}

/** Starts `method url` with `headers` and sends the first half of `body` (a fresh connection, no keep-alive). */
export function startSlowRequest(
  method: string,
  url: string,
  headers: Record<string, string>,
  body: Buffer,
): SlowRequest {
  let pending: ReturnType<typeof request> | undefined;
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(url, { method, headers: { ...headers, 'content-length': String(body.length) }, agent: false });
    req.on('error', reject);
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.write(body.subarray(0, body.length >> 1));
    pending = req;
  });
  // A refused or cut request rejects before anyone awaits `finish()`; the caller sees it there.
  answer.catch(() => undefined);
  return {
    finish() {
      if (pending && !pending.destroyed) pending.end(body.subarray(body.length >> 1));
      return answer;
    },
  };
}
