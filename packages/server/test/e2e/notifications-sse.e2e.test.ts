import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import { insertReadyMedia } from '../support/media.js';
import { callTrpc, startTestServer, type TestServer } from '../support/server.js';
import { signUp } from '../support/users.js';

/** Reads an SSE body until `predicate` matches an event's data, returning that event. */
async function readUntil(
  body: ReadableStream<Uint8Array>,
  predicate: (data: string) => boolean,
): Promise<{ id?: string; data: string }> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended; got: ${buffer}`);
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).trim())
          .join('\n');
        const id = block
          .split('\n')
          .find((l) => l.startsWith('id:'))
          ?.slice(3)
          .trim();
        if (predicate(data)) return { ...(id === undefined ? {} : { id }), data };
      }
    }
  } finally {
    await reader.cancel();
  }
}

describe.each(DIALECTS)('notifications.onNew over SSE on $name', (dialect) => {
  let t: TestServer;
  let logs = '';

  beforeAll(async () => {
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs += chunk.toString();
        done();
      },
    });
    t = await startTestServer({ dialect, logStream });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('authenticates with connectionParams (as browsers must) and keeps the token out of the logs', async () => {
    const ana = await signUp(t.url, 'ana');
    const bob = await signUp(t.url, 'bob');
    const mediaId = await insertReadyMedia(t.server.db.kysely, ana.id);
    const made = await callTrpc<{ id: string }>(t.url, 'posts.create', {
      token: ana.token,
      input: { mediaIds: [mediaId] },
    });
    const postId = made.body.result!.data.id;
    await callTrpc(t.url, 'likes.like', { token: bob.token, input: { postId } });
    await t.server.background.dispatcher.drain();

    const query = new URLSearchParams({
      input: JSON.stringify({ lastEventId: '0' }),
      connectionParams: JSON.stringify({ token: ana.token }),
    });
    const abort = new AbortController();
    const response = await fetch(`${t.url}/trpc/notifications.onNew?${query.toString()}`, { signal: abort.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const event = await readUntil(response.body!, (data) => data.includes('"kind":"like"'));
    expect(JSON.parse(event.data)).toMatchObject({ kind: 'like', actor: { id: bob.id }, post: { id: postId } });
    expect(event.id).toMatch(/^\d+$/);
    abort.abort();
    // The server notices the client left and ends the stream (no generator keeps polling).
    await expect.poll(() => t.server.services.notifications.bus.streams).toBe(0);

    // Without a token, the stream is refused: one error event, then the server ends the response.
    const anonymous = await fetch(`${t.url}/trpc/notifications.onNew?input=${encodeURIComponent('{}')}`);
    const refused = await anonymous.text();
    expect(refused).toContain('event: serialized-error');
    expect(refused).toContain('"appCode":"UNAUTHENTICATED"');

    await t.stop();
    expect(logs).toContain('notifications.onNew');
    expect(logs).not.toContain(ana.token);
  });
});
