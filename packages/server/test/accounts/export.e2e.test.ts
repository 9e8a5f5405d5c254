import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportKey } from '../../src/modules/account-data/export-builder.js';
import { DIALECTS } from '../support/databases.js';
import { manualClock, startTestServer, type TestServer } from '../support/server.js';
import { readTarGz } from '../support/tar-archive.js';
import type { SignedUp } from '../support/users.js';
import { accountWorld, mediaFor, sha256 } from './support.js';

interface ExportView {
  id: string;
  state: string;
  progress: { done: number; total: number };
  expiresAt: string | null;
  size: number | null;
  url: string | null;
  urlExpiresAt: string | null;
}

const JSON_FILES = [
  'blocks.json',
  'comments.json',
  'followers.json',
  'following.json',
  'likes.json',
  'media.json',
  'mutes.json',
  'posts.json',
  'profile.json',
];

describe.each(DIALECTS)('account export on $name', (dialect) => {
  let t: TestServer;
  const clock = manualClock();
  const w = accountWorld(() => t, 'ex');

  beforeAll(async () => {
    t = await startTestServer({
      dialect,
      media: mediaFor(dialect),
      clock,
      env: { APERTURE_EXPORT_TTL_HOURS: '2' },
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  const status = (who: SignedUp) => w.call<ExportView | null>(who, 'accounts.exportStatus', undefined, 'query');
  const ready = async (who: SignedUp): Promise<ExportView> => {
    // This process's builder loop may hold it already: wait for whichever process builds it.
    const deadline = Date.now() + 20_000;
    for (;;) {
      await t.server.background.exportBuilder.drain();
      const view = await status(who);
      if (view?.state === 'ready') return view;
      if (Date.now() > deadline) throw new Error(`export not ready: ${JSON.stringify(view)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const download = async (url: string) => {
    const res = await fetch(url);
    return { status: res.status, body: Buffer.from(await res.arrayBuffer()), type: res.headers.get('content-type') };
  };

  it("holds exactly the owner's data and the originals of their media, behind a link that expires", async () => {
    const ana = await w.user('ana');
    const ben = await w.user('ben');
    const cy = await w.user('cy');
    const dee = await w.user('dee');
    const one = await w.upload(ana, 1);
    const two = await w.upload(ana, 2);
    const bens = await w.upload(ben, 3);
    const anaPost = await w.call<{ id: string }>(ana, 'posts.create', {
      mediaIds: [one.mediaId, two.mediaId],
      caption: 'Harbour at dusk #sunset #harbour',
      location: { name: 'Porto', lat: 41.14, lng: -8.61 },
    });
    const benPost = await w.call<{ id: string }>(ben, 'posts.create', {
      mediaIds: [bens.mediaId],
      caption: 'ben #sunset',
    });
    await w.call(ana, 'likes.like', { postId: benPost.id });
    const comment = await w.call<{ id: string }>(ana, 'comments.create', { postId: benPost.id, body: 'Lovely light' });
    await w.call(ben, 'comments.create', { postId: anaPost.id, body: "ben's comment is not ana's" });
    await w.call(ana, 'graph.follow', { userId: ben.id });
    await w.call(cy, 'graph.follow', { userId: ana.id });
    await w.call(ana, 'graph.block', { userId: dee.id });
    await w.call(ana, 'graph.mute', { userId: cy.id });

    expect(await status(ana)).toBeNull();
    const started = await w.call<ExportView>(ana, 'accounts.export');
    expect(['pending', 'building']).toContain(started.state);
    // A second request while it runs answers the same export.
    const again = await w.call<ExportView>(ana, 'accounts.export');
    expect(again.id).toBe(started.id);

    const view = await ready(ana);
    expect(view.id).toBe(started.id);
    expect(view.progress.done).toBe(view.progress.total);
    expect(view.progress.total).toBe(JSON_FILES.length + 2);
    const got = await download(view.url!);
    expect(got.status).toBe(200);
    expect(got.type).toBe('application/gzip');
    expect(got.body.length).toBe(view.size);
    const files = readTarGz(got.body);
    const mediaFiles = [`media/${one.mediaId}.jpg`, `media/${two.mediaId}.jpg`];
    expect([...files.keys()].sort()).toEqual([...JSON_FILES, ...mediaFiles].sort());
    expect(sha256(files.get(mediaFiles[0]!)!)).toBe(sha256(one.bytes));
    expect(sha256(files.get(mediaFiles[1]!)!)).toBe(sha256(two.bytes));

    const read = (name: string) => JSON.parse(files.get(name)!.toString('utf8')) as unknown;
    expect(read('profile.json')).toMatchObject({
      id: ana.id,
      username: ana.username,
      email: `${ana.username}@example.com`,
    });
    expect(read('posts.json')).toEqual([
      expect.objectContaining({
        id: anaPost.id,
        caption: 'Harbour at dusk #sunset #harbour',
        tags: ['sunset', 'harbour'],
        location: { name: 'Porto', lat: 41.14, lng: -8.61 },
        media: [
          { mediaId: one.mediaId, position: 0, file: mediaFiles[0] },
          { mediaId: two.mediaId, position: 1, file: mediaFiles[1] },
        ],
      }),
    ]);
    expect(read('comments.json')).toEqual([
      expect.objectContaining({ id: comment.id, postId: benPost.id, body: 'Lovely light' }),
    ]);
    expect(read('likes.json')).toEqual([expect.objectContaining({ postId: benPost.id })]);
    expect(read('following.json')).toEqual([
      expect.objectContaining({ userId: ben.id, username: ben.username, state: 'active' }),
    ]);
    expect(read('followers.json')).toEqual([expect.objectContaining({ userId: cy.id })]);
    expect(read('blocks.json')).toEqual([expect.objectContaining({ userId: dee.id })]);
    expect(read('mutes.json')).toEqual([expect.objectContaining({ userId: cy.id })]);
    expect((read('media.json') as { id: string }[]).map((m) => m.id)).toEqual([one.mediaId, two.mediaId]);

    // A tampered signature is refused; so is the link once its time is up.
    const tampered = new URL(view.url!);
    tampered.searchParams.set('sig', 'A'.repeat(32));
    const bad = await fetch(tampered);
    expect(bad.status).toBe(403);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('SIGNATURE_INVALID');
    clock.advance(Date.parse(view.urlExpiresAt!) - clock.now().getTime() + 1_000);
    const late = await fetch(view.url!);
    expect(late.status).toBe(403);
    expect(((await late.json()) as { error: { code: string } }).error.code).toBe('SIGNATURE_EXPIRED');
    // A fresh link works until the archive itself expires; then the cleanup removes it.
    const fresh = await status(ana);
    expect((await download(fresh!.url!)).status).toBe(200);
    clock.advance(2 * 3_600_000);
    expect((await t.server.background.accountPurge.run()).exportsExpired).toBe(1);
    expect(await t.server.blobs.head(exportKey({ id: view.id, user_id: ana.id }))).toBeNull();
    const expired = await status(ana);
    expect(expired).toMatchObject({ id: view.id, state: 'expired', url: null });
    // No link outlives its archive.
    const gone = await fetch(fresh!.url!);
    expect(gone.status).toBe(403);
    expect(((await gone.json()) as { error: { code: string } }).error.code).toBe('SIGNATURE_EXPIRED');
  });

  it('builds again from the start an export whose builder died, once its lease lapses', async () => {
    const eve = await w.user('eve');
    const pic = await w.upload(eve, 4);
    await w.call(eve, 'posts.create', { mediaIds: [pic.mediaId], caption: 'one' });
    // A process that claimed it and died half-way: a lease still running, a partial file at its key.
    const now = clock.now().getTime();
    const id = String(BigInt(eve.id) + 1n);
    await t.server.db.kysely
      .insertInto('account_exports')
      .values({
        id,
        user_id: eve.id,
        state: 'building',
        attempts: 1,
        claimed_by: 'node-4095.1',
        claimed_until: new Date(now + 20_000).toISOString(),
        blob_key: null,
        size: null,
        failure: null,
        created_at: new Date(now).toISOString(),
        ready_at: null,
        expires_at: null,
      })
      .execute();
    await t.server.blobs.put(exportKey({ id, user_id: eve.id }), Buffer.from('partial garbage'));

    // Asking again answers the export under way, not a second one.
    expect((await w.call<ExportView>(eve, 'accounts.export')).id).toBe(id);
    // While the dead builder's lease runs, no one else takes it.
    await t.server.background.exportBuilder.drain();
    expect((await status(eve))?.state).toBe('building');
    clock.advance(21_000);
    const view = await ready(eve);
    expect(view.id).toBe(id);
    const files = readTarGz((await download(view.url!)).body);
    expect(sha256(files.get(`media/${pic.mediaId}.jpg`)!)).toBe(sha256(pic.bytes));
    const row = await t.server.db.kysely
      .selectFrom('account_exports')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ attempts: 2, claimed_by: null, state: 'ready' });
  });

  it('refuses a link for an export that does not exist and asks for a session', async () => {
    const res = await fetch(`${t.url}/exports/123/aperture-export-123.tar.gz?exp=99999999999&sig=${'x'.repeat(32)}`);
    expect(res.status).toBe(403);
    expect(await w.refusal(null, 'accounts.export')).toBe('UNAUTHENTICATED');
    expect(await w.refusal(null, 'accounts.exportStatus', undefined, 'query')).toBe('UNAUTHENTICATED');
  });
});
