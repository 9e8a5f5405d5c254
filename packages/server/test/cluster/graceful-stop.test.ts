import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connect.js';
import { DIALECTS } from '../support/databases.js';
import { noisePng, sha256, type Target } from '../support/media.js';
import { callTrpc, startTestServer, type TestServer } from '../support/server.js';
import { startSlowRequest } from '../support/slow-request.js';
import { signUp } from '../support/users.js';

/** Reads an SSE body to its end. */
async function readToEnd(body: ReadableStream<Uint8Array>): Promise<string> {
  let text = '';
  const decoder = new TextDecoder();
  for await (const chunk of body) text += decoder.decode(chunk, { stream: true });
  return text;
}

describe.each(DIALECTS)('a graceful stop on $name', (dialect) => {
  let t: TestServer | undefined;
  afterEach(async () => {
    await t?.stop();
    t = undefined;
  });

  it('refuses new requests at once, lets those in flight finish, ends live streams with a retry hint, frees its node id', async () => {
    t = await startTestServer({ dialect, env: { APERTURE_SHUTDOWN_GRACE_SECONDS: '60' } });
    const { server, url } = t;
    const ana = await signUp(url, 'ana');

    // A live notification stream, open when the stop begins.
    const query = new URLSearchParams({ input: '{}', connectionParams: JSON.stringify({ token: ana.token }) });
    const stream = await fetch(`${url}/trpc/notifications.onNew?${query.toString()}`);
    expect(stream.status).toBe(200);
    await expect.poll(() => server.services.notifications.bus.streams).toBe(1);

    // An upload whose body is half sent: in flight when the stop begins.
    const image = await noisePng(0.3);
    const created = await callTrpc<{ target: Target }>(url, 'media.createUpload', {
      token: ana.token,
      input: { size: image.length, contentType: 'image/png', sha256: sha256(image) },
    });
    const target = created.body.result!.data.target;
    const upload = startSlowRequest('PUT', target.url, target.headers, image);
    // The stream and the upload.
    await expect.poll(() => server.requestsInFlight).toBe(2);

    const stopping = server.stop();
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get('connection')).toBe('close');
    const refused = await callTrpc(url, 'accounts.me', { type: 'query', token: ana.token });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('connection')).toBe('close');
    expect(refused.body).toMatchObject({ error: { code: 'UNAVAILABLE' } });

    // The stream ends with an error tRPC's client reconnects on, and a reconnection delay.
    const events = await readToEnd(stream.body!);
    expect(events).toContain('event: serialized-error');
    expect(events).toContain('shutting down');
    expect(events).toMatch(/\nretry: \d+\n\n$/);
    expect(events).not.toContain('event: return');

    // The upload still in flight is finished and answered.
    const answered = await upload.finish();
    expect(answered.status).toBeLessThan(300);
    await stopping;

    const db = await openDatabase(t.config.database);
    try {
      const rows = await db.kysely.selectFrom('node_leases').selectAll().execute();
      expect(rows).toEqual([expect.objectContaining({ node: 0, holder: null, expires_at: null })]);
    } finally {
      await db.close();
    }
  });

  it('closes requests still in flight when the grace runs out', async () => {
    t = await startTestServer({ dialect, env: { APERTURE_SHUTDOWN_GRACE_SECONDS: '0.2' } });
    const ana = await signUp(t.url, 'ana');
    const image = await noisePng(0.3);
    const created = await callTrpc<{ target: Target }>(t.url, 'media.createUpload', {
      token: ana.token,
      input: { size: image.length, contentType: 'image/png', sha256: sha256(image) },
    });
    const target = created.body.result!.data.target;
    const upload = startSlowRequest('PUT', target.url, target.headers, image);
    await expect.poll(() => t!.server.requestsInFlight).toBe(1);
    // Never finished by its client: the stop does not wait past the grace.
    await t.server.stop();
    await expect(upload.finish()).rejects.toThrow();
  });
});
