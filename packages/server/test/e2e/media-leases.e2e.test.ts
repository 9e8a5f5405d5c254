import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type ApertureServer } from '../../src/index.js';
import { createIdGenerator } from '../../src/ids/snowflake.js';
import { LEASE_MS } from '../../src/lib/lease.js';
import { Outbox } from '../../src/events/outbox.js';
import { MediaProcessor } from '../../src/modules/media/processor.js';
import type { BlobStore } from '../../src/storage/blob-store.js';
import { photo } from '../fixtures/images.js';
import { DIALECTS } from '../support/databases.js';
import { putTo, sha256, type Target } from '../support/media.js';
import { callTrpc, manualClock, startTestServer, type TestServer } from '../support/server.js';
import { registerUser } from '../support/users.js';
import { WorkLimiter } from '../../src/lib/work-limiter.js';

const silent = { info: () => undefined, error: () => undefined };

/**
 * The server's own blob store, except that reading `key` waits until the test opens the gate: a
 * worker stays mid-image for as long as the test needs.
 */
function gatedReads(blobs: BlobStore, key: string): { store: BlobStore; reached: Promise<void>; open(): void } {
  let open!: () => void;
  let reach!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const reached = new Promise<void>((resolve) => (reach = resolve));
  const get: BlobStore['get'] = async (k, options) => {
    if (k === key) {
      reach();
      await opened;
    }
    return blobs.get(k, options);
  };
  const store = new Proxy(blobs, {
    get: (target, property) => {
      if (property === 'get') return get;
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store, reached, open };
}

describe.each(DIALECTS)('media processing leases on $name', (dialect) => {
  const clock = manualClock();
  let t: TestServer;
  let token: string;

  beforeAll(async () => {
    t = await startTestServer({ dialect, clock });
    token = await registerUser(t.url, 'leaser');
    // This test drives the processors itself.
    await t.server.background.mediaProcessor.stop();
  });
  afterAll(async () => {
    await t?.stop();
  });

  /** A media item uploaded and completed, waiting in `processing` for a worker. */
  let width = 400;
  async function queued(): Promise<{ id: string; originalKey: string }> {
    // Another size each time: the same bytes again would be a duplicate of a ready upload.
    const image = await photo({ width: width++, height: 300 });
    const created = await callTrpc<{ uploadId: string; mediaId: string; target: Target }>(t.url, 'media.createUpload', {
      token,
      input: { size: image.length, contentType: 'image/jpeg', sha256: sha256(image) },
    });
    const { uploadId, mediaId, target } = created.body.result!.data;
    await putTo(target, image);
    await callTrpc(t.url, 'media.completeUpload', { token, input: { uploadId } });
    return { id: mediaId, originalKey: (await row(mediaId)).original_key };
  }
  const row = (id: string) =>
    t.server.db.kysely.selectFrom('media').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const processor = (leaseHolder: string, blobs: BlobStore, heartbeatMs = 5) =>
    new MediaProcessor({
      db: t.server.db,
      blobs,
      clock,
      settings: t.config.mediaSettings,
      log: silent,
      // Its `media.ready` events are left for the server's dispatcher, as another process's would be.
      outbox: new Outbox({
        db: t.server.db,
        ids: createIdGenerator({ nodeId: 77 }),
        clock,
        onCommitted: () => undefined,
      }),
      leaseHolder,
      heartbeatMs,
      // Its own slot: these processors stand for separate processes, each with its own limiter.
      imageWork: new WorkLimiter({ concurrency: 1, maxQueued: 0 }),
    });

  it('claims for well under a minute and renews while an image takes longer than that', async () => {
    expect(LEASE_MS).toBeLessThanOrEqual(30_000);
    const media = await queued();
    const gated = gatedReads(t.server.blobs, media.originalKey);
    const working = processor('node-1', gated.store).processNext();
    await gated.reached;
    expect(await row(media.id)).toMatchObject({
      claimed_by: 'node-1',
      claimed_until: new Date(clock.now().getTime() + LEASE_MS).toISOString(),
    });
    for (let step = 0; step < 9; step++) {
      clock.advance(LEASE_MS / 3);
      const renewedTo = new Date(clock.now().getTime() + LEASE_MS).toISOString();
      await expect.poll(async () => (await row(media.id)).claimed_until, { timeout: 5_000 }).toBe(renewedTo);
    }
    // Three lease lengths later, nobody else may start it.
    expect(await processor('node-2', t.server.blobs).processNext()).toBe(false);
    gated.open();
    expect(await working).toBe(true);
    expect(await row(media.id)).toMatchObject({ status: 'ready', claimed_by: null, claimed_until: null, attempts: 1 });
  });

  it('a worker whose claim was taken over writes nothing to the row, and announces nothing', async () => {
    const media = await queued();
    const gated = gatedReads(t.server.blobs, media.originalKey);
    const stalled = processor('node-1', gated.store).processNext();
    await gated.reached;
    // What another process's claim does once this one's lease has lapsed.
    await t.server.db.kysely
      .updateTable('media')
      .set({ claimed_by: 'node-2', claimed_until: new Date(clock.now().getTime() + LEASE_MS).toISOString() })
      .where('id', '=', media.id)
      .execute();
    gated.open();
    expect(await stalled).toBe(true);
    expect(await row(media.id)).toMatchObject({ status: 'processing', claimed_by: 'node-2', derivatives: null });
    const announced = await t.server.db.kysely
      .selectFrom('events')
      .select('payload')
      .where('type', '=', 'media.ready')
      .execute();
    expect(announced.map((e) => (JSON.parse(e.payload) as { mediaId: string }).mediaId)).not.toContain(media.id);
  });

  it('a server restarting with its pinned node id processes at once what it held when it died', async () => {
    const media = await queued();
    // As a process that leased node id 9 leaves an image it was processing when it is killed: its
    // node lease lapses (on another machine, so only the lapse tells), its claim on the image not yet.
    await t.server.db.kysely
      .insertInto('node_leases')
      .values({
        node: 9,
        generation: 1,
        holder: 'node-9.1',
        host: 'elsewhere',
        machine: 'elsewhere',
        pid: 1234,
        role: 'all',
        claimed_at: new Date(Date.now() - 60_000).toISOString(),
        expires_at: new Date(Date.now() - 1_000).toISOString(),
      })
      .execute();
    await t.server.db.kysely
      .updateTable('media')
      .set({ claimed_by: 'node-9.1', claimed_until: new Date(Date.now() + LEASE_MS).toISOString(), attempts: 1 })
      .where('id', '=', media.id)
      .execute();
    let restarted: ApertureServer | undefined;
    try {
      restarted = await createServer({ ...t.config, port: 0, nodeId: 9 }, { shareSqliteInProcess: true });
      expect(restarted.leaseHolder).toBe('node-9.2');
      await restarted.start();
      // Well before the old lease (real time) would have lapsed.
      await expect.poll(async () => (await row(media.id)).status, { timeout: 15_000 }).toBe('ready');
    } finally {
      await restarted?.stop();
    }
    expect(await row(media.id)).toMatchObject({ status: 'ready', claimed_by: null, attempts: 2 });
  });
});
