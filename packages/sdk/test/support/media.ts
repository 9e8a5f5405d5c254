import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { createClient, type ApertureClient, type FetchFunction, type UploadProgress } from '../../src/index.js';

/** A small real JPEG; `seed` makes its bytes (hence its hash) differ from every other one's. */
export async function jpeg(seed: number, size = { width: 640, height: 480 }): Promise<Buffer> {
  const r = (seed * 37) % 256;
  const g = (seed * 91) % 256;
  return sharp({ create: { ...size, channels: 3, background: { r, g, b: 120 } } })
    .composite([{ input: randomBytes(64 * 64 * 3), raw: { width: 64, height: 64, channels: 3 }, top: 8, left: 8 }])
    .jpeg({ quality: 85 })
    .toBuffer();
}

/**
 * A PNG of random noise (incompressible, stored without compression) of about `mib` MiB: large
 * enough to go up in parts, and still a real image that processing turns into derivatives.
 */
export async function noisePng(mib: number): Promise<Buffer> {
  const width = 2048;
  const height = Math.ceil((mib * 1024 * 1024) / (width * 3));
  return sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } })
    .png({ compressionLevel: 0 })
    .toBuffer();
}

export interface Recorded {
  method: string;
  url: string;
  /** `media.createUpload` etc. for API calls; `PUT` for bytes sent to an upload target. */
  kind: string;
}

/**
 * A `fetch` that records every request and lets a test fail chosen ones. The requests still go
 * to the real server; only `intercept` may answer instead (fault injection).
 */
export function recordingFetch(intercept?: (request: Recorded, attempt: number) => Response | Error | undefined): {
  fetch: FetchFunction;
  requests: Recorded[];
  puts: () => Recorded[];
} {
  const requests: Recorded[] = [];
  const attempts = new Map<string, number>();
  const fetchImpl: FetchFunction = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    const path = new URL(url).pathname;
    const kind = path.startsWith('/trpc/') ? path.slice('/trpc/'.length) : method;
    const request = { method, url, kind };
    requests.push(request);
    const attempt = (attempts.get(url) ?? 0) + 1;
    attempts.set(url, attempt);
    const injected = intercept?.(request, attempt);
    if (injected instanceof Error) {
      await drain(init?.body);
      throw injected;
    }
    if (injected) {
      await drain(init?.body);
      return injected;
    }
    return fetch(input, init);
  };
  return { fetch: fetchImpl, requests, puts: () => requests.filter((r) => r.kind === 'PUT') };
}

/** Reads a stream body as the network would have, so progress counts what a real attempt sends. */
async function drain(body: RequestInit['body']): Promise<void> {
  if (body instanceof ReadableStream) for await (const _ of body as ReadableStream<Uint8Array>);
}

/** Part number of a disk `/uploads/<token>` URL (its claims are readable; only the MAC is secret). */
export function partNumberOf(url: string): number | undefined {
  const token = new URL(url).pathname.split('/').pop() ?? '';
  const claims = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as { p?: number };
  return claims.p;
}

let counter = 0;
export async function signedInClient(url: string, fetchImpl?: FetchFunction): Promise<ApertureClient> {
  counter += 1;
  const username = `media_${process.pid}_${counter}`;
  const client = createClient({ url, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
  await client.auth.register({ username, email: `${username}@example.com`, password: 'correct horse battery staple' });
  return client;
}

/** Collects the progress events of one upload. */
export function progressLog(): { events: UploadProgress[]; onProgress: (p: UploadProgress) => void } {
  const events: UploadProgress[] = [];
  return { events, onProgress: (p) => events.push({ ...p }) };
}

const PHASES = ['hashing', 'uploading', 'processing', 'done'];

/**
 * What honest progress looks like: phases in order, totalBytes fixed, sentBytes within [0, total]
 * and only stepping back by what a failed attempt had sent (reported as `retracted`), ending at total.
 */
export function progressFacts(events: UploadProgress[], totalBytes: number) {
  const phases = events.map((e) => e.phase).filter((p, i, all) => all[i - 1] !== p);
  let retracted = 0;
  for (let i = 1; i < events.length; i++) {
    const step = events[i]!.sentBytes - events[i - 1]!.sentBytes;
    if (step < 0) retracted -= step;
  }
  return {
    phasesInOrder: phases.every((p, i) => i === 0 || PHASES.indexOf(p) > PHASES.indexOf(phases[i - 1]!)),
    phases,
    totals: [...new Set(events.map((e) => e.totalBytes))],
    inRange: events.every((e) => e.sentBytes >= 0 && e.sentBytes <= totalBytes),
    last: events.at(-1),
    retracted,
  };
}
