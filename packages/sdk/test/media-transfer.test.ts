import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEphemeralServer, type EphemeralServer } from '@aperture/server';
import { NetworkError, ServerError, type FetchFunction } from '../src/index.js';
import {
  jpeg,
  noisePng,
  partNumberOf,
  progressFacts,
  progressLog,
  recordingFetch,
  signedInClient,
} from './support/media.js';
import { failure } from './support/failure.js';

const MiB = 1024 * 1024;

let server: EphemeralServer;
let big: Buffer;
beforeAll(async () => {
  server = await startEphemeralServer();
  // Above the 16 MiB single-PUT limit: three parts of 8, 8 and ~1.5 MiB.
  big = await noisePng(17.5);
  expect(big.length).toBeGreaterThan(16 * MiB);
  expect(big.length).toBeLessThan(25 * MiB);
});
afterAll(async () => {
  await server?.stop();
});

describe('large files and failures on the way', () => {
  it('sends a file above 16 MiB in parts, in parallel, and it becomes ready', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const recorder = recordingFetch();
    const counting: FetchFunction = async (input, init) => {
      if (init?.method !== 'PUT') return recorder.fetch(input, init);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      try {
        return await recorder.fetch(input, init);
      } finally {
        inFlight -= 1;
      }
    };
    const client = await signedInClient(server.url, counting);
    const progress = progressLog();

    const media = await client.media.upload(big, { onProgress: progress.onProgress });

    expect(media.status).toBe('ready');
    expect(media.width).toBe(2048);
    expect(media.urls.w1080?.webp).toContain(`/media/${media.id}/w1080.webp`);
    expect(
      recorder
        .puts()
        .map((r) => partNumberOf(r.url))
        .sort(),
    ).toEqual([1, 2, 3]);
    expect(maxInFlight).toBe(3);
    const facts = progressFacts(progress.events, big.length);
    expect(facts.phases).toEqual(['hashing', 'uploading', 'processing', 'done']);
    expect(facts.inRange).toBe(true);
    expect(facts.retracted).toBe(0);
    expect(facts.last).toEqual({
      phase: 'done',
      sentBytes: big.length,
      totalBytes: big.length,
      processedPercent: null,
    });
  });

  it('sends a part again when its connection drops, taking back the bytes it had counted', async () => {
    // Fault injection: the real server never sees the first attempt of part 2.
    const recorder = recordingFetch((request, attempt) =>
      request.kind === 'PUT' && partNumberOf(request.url) === 2 && attempt === 1
        ? new TypeError('fetch failed', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) })
        : undefined,
    );
    const client = await signedInClient(server.url, recorder.fetch);
    const progress = progressLog();
    // Each test signs up a new user, and dedupe is per user: the same file goes up every time.
    const bytes = big;

    const media = await client.media.upload(bytes, { onProgress: progress.onProgress, concurrency: 1 });

    expect(media.status).toBe('ready');
    expect(recorder.puts().map((r) => partNumberOf(r.url))).toEqual([1, 2, 2, 3]);
    const facts = progressFacts(progress.events, bytes.length);
    expect(facts.retracted).toBe(8 * MiB);
    expect(facts.inRange).toBe(true);
    expect(facts.last?.sentBytes).toBe(bytes.length);
  });

  it('retries a single PUT answered with 503', async () => {
    const recorder = recordingFetch((request, attempt) =>
      request.kind === 'PUT' && attempt === 1 ? new Response('busy', { status: 503 }) : undefined,
    );
    const client = await signedInClient(server.url, recorder.fetch);
    const media = await client.media.upload(await jpeg(10));
    expect(media.status).toBe('ready');
    expect(recorder.puts()).toHaveLength(2);
  });

  it('asks media.uploadStatus for fresh URLs when a target says its signature expired', async () => {
    // Upload URLs live 15 minutes; a test cannot wait that long, so the first PUT is answered
    // the way S3 answers an expired presigned URL.
    const expired = `<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>`;
    let puts = 0;
    const recorder = recordingFetch((request) =>
      request.kind === 'PUT' && ++puts === 1 ? new Response(expired, { status: 403 }) : undefined,
    );
    const client = await signedInClient(server.url, recorder.fetch);

    const media = await client.media.upload(await jpeg(11));

    expect(media.status).toBe('ready');
    const kinds = recorder.requests.map((r) => r.kind).filter((k) => k === 'PUT' || k.startsWith('media.'));
    expect(kinds.slice(0, 5)).toEqual([
      'media.createUpload',
      'PUT',
      'media.uploadStatus',
      'PUT',
      'media.completeUpload',
    ]);
    expect(recorder.puts()[0]?.url).not.toBe(recorder.puts()[1]?.url);
  });

  it('gives up on a part after 4 tries and never completes the upload', async () => {
    const recorder = recordingFetch((request) =>
      request.kind === 'PUT' ? new Response('down', { status: 502 }) : undefined,
    );
    const client = await signedInClient(server.url, recorder.fetch);
    const bytes = await jpeg(12);
    const error = await failure(() => client.media.upload(bytes));
    expect(error).toBeInstanceOf(ServerError);
    expect(error.code).toBe('UNAVAILABLE');
    expect(recorder.puts()).toHaveLength(4);
    expect(recorder.requests.some((r) => r.kind.includes('completeUpload'))).toBe(false);
  });

  it('resumes an upload that lost its place, sending only the missing parts', async () => {
    const recorder = recordingFetch();
    const client = await signedInClient(server.url, recorder.fetch);
    const bytes = big;
    const { createHash } = await import('node:crypto');
    const created = await client.trpc.media.createUpload.mutate({
      size: bytes.length,
      contentType: 'image/png',
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    if (created.duplicate || created.mode !== 'multipart') throw new Error('expected a multipart upload');
    const first = created.parts[0]!;
    const put = await fetch(first.url, { method: 'PUT', headers: first.headers, body: bytes.subarray(0, first.size) });
    expect(put.ok).toBe(true);

    const status = await client.media.uploadStatus(created.uploadId);
    expect(status.storedParts.map((p) => p.partNumber)).toEqual([1]);
    expect(status.missing.map((p) => p.partNumber)).toEqual([2, 3]);

    const before = recorder.puts().length;
    const progress = progressLog();
    const media = await client.media.resume(created.uploadId, bytes, { onProgress: progress.onProgress });

    expect(media.status).toBe('ready');
    expect(media.id).toBe(created.mediaId);
    expect(
      recorder
        .puts()
        .slice(before)
        .map((r) => partNumberOf(r.url))
        .sort(),
    ).toEqual([2, 3]);
    expect(progress.events[0]?.sentBytes).toBe(first.size);
    expect(progress.events.at(-1)).toEqual({
      phase: 'done',
      sentBytes: bytes.length,
      totalBytes: bytes.length,
      processedPercent: null,
    });
    expect((await client.media.uploadStatus(created.uploadId)).status).toBe('completed');
  });

  it('aborts mid-upload: rejects with NetworkError and does not complete', async () => {
    const recorder = recordingFetch();
    const client = await signedInClient(server.url, recorder.fetch);
    const controller = new AbortController();
    const bytes = big;

    const error = await failure(() =>
      client.media.upload(bytes, {
        signal: controller.signal,
        onProgress: ({ sentBytes }) => {
          if (sentBytes > 2 * MiB) controller.abort();
        },
      }),
    );

    expect(error).toBeInstanceOf(NetworkError);
    expect(error.message).toContain('aborted');
    expect(recorder.puts().length).toBeGreaterThan(0);
    expect(recorder.requests.some((r) => r.kind.includes('completeUpload'))).toBe(false);
  });
});
