import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEphemeralServer, type EphemeralServer } from '@aperture/server';
import { ServerError } from '../src/index.js';
import { failure } from './support/failure.js';
import { jpeg, recordingFetch, signedInClient } from './support/media.js';

describe('a server out of disk space (STORAGE_FULL)', () => {
  let full: EphemeralServer;
  let roomy: EphemeralServer;

  beforeAll(async () => {
    // A free-space floor no disk reaches: the server refuses uploads as when its disk is full.
    full = await startEphemeralServer({ APERTURE_MIN_FREE_MB: '1000000000' });
    roomy = await startEphemeralServer();
  });
  afterAll(async () => {
    await full?.stop();
    await roomy?.stop();
  });

  it('fails an upload at once with a ServerError that says when to try again', async () => {
    const recorder = recordingFetch();
    const client = await signedInClient(full.url, recorder.fetch);
    const bytes = await jpeg(21);
    const error = await failure(() => client.media.upload(bytes));
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ code: 'STORAGE_FULL', status: 507, retryAfter: 60 });
    expect(error.message).toMatch(/out of storage space/);
    expect(recorder.requests.filter((r) => r.kind === 'media.createUpload')).toHaveLength(1);
    expect(recorder.puts()).toHaveLength(0);
  });

  it('does not send a part again sooner than the Retry-After of a STORAGE_FULL answer', async () => {
    const answer = JSON.stringify({ error: { code: 'STORAGE_FULL', message: 'No room; try again later.' } });
    const recorder = recordingFetch((request) =>
      request.kind === 'PUT'
        ? new Response(answer, { status: 507, headers: { 'retry-after': '60', 'content-type': 'application/json' } })
        : undefined,
    );
    const client = await signedInClient(roomy.url, recorder.fetch);
    const bytes = await jpeg(22);
    const error = await failure(() => client.media.upload(bytes));
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ code: 'STORAGE_FULL', status: 507, retryAfter: 60 });
    expect(recorder.puts()).toHaveLength(1);
    expect(recorder.requests.some((r) => r.kind.includes('completeUpload'))).toBe(false);
  });
});
