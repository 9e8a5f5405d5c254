import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postIdsForTag } from '../../src/modules/tags/service.js';
import { createTagHandlers } from '../../src/modules/tags/handlers.js';
import { createTextIndex } from '../../src/modules/posts/text-index.js';
import { createIdGenerator } from '../../src/ids/snowflake.js';
import { systemClock } from '../../src/clock.js';
import { photo } from '../fixtures/images.js';
import { DIALECTS } from '../support/databases.js';
import { storedEvent } from '../support/events.js';
import { uploadReady } from '../support/media.js';
import { settleEvents } from '../support/tags.js';
import { callTrpc, startTestServer, type TestServer } from '../support/server.js';
import { signUp, type SignedUp } from '../support/users.js';

interface TagView {
  name: string;
  postCount: number;
}

describe.each(DIALECTS)('hashtags on $name', (dialect) => {
  let t: TestServer;
  let ana: SignedUp;
  let mediaId: string;

  beforeAll(async () => {
    t = await startTestServer({ dialect });
    ana = await signUp(t.url, 'ana');
    mediaId = await uploadReady(t.url, ana.token, await photo({ width: 320, height: 240 }));
  });
  afterAll(async () => {
    await t?.stop();
  });

  const settle = () => settleEvents(t);
  const create = async (caption: string, visibility: 'public' | 'followers' = 'public') => {
    const res = await callTrpc<{ id: string }>(t.url, 'posts.create', {
      token: ana.token,
      input: { mediaIds: [mediaId], caption, visibility },
    });
    expect(res.status).toBe(200);
    return res.body.result!.data.id;
  };
  const getTag = (name: string, token?: string) =>
    callTrpc<TagView>(t.url, 'tags.get', { type: 'query', input: { name }, ...(token ? { token } : {}) });
  const idsFor = (name: string) => postIdsForTag(t.server.db.kysely, name, undefined, 50);

  it('extracts normalised hashtags from a new post', async () => {
    const id = await create('Morning #Café #CAFÉ #ｓｅａ #summer_2024 #1 a#b #日本語');
    await settle();
    expect(await idsFor('#café')).toEqual([id]);
    expect(await idsFor('SEA')).toEqual([id]);
    expect(await idsFor('日本語')).toEqual([id]);
    expect((await getTag('#Summer_2024')).body.result?.data).toMatchObject({ name: 'summer_2024', postCount: 1 });
    expect((await getTag('1')).status).toBe(404);
    expect((await getTag('b')).status).toBe(404);
  });

  it('replaces the tags when the caption changes and drops them on delete', async () => {
    const id = await create('#dawn #harbour');
    await settle();
    expect(await idsFor('dawn')).toEqual([id]);

    await callTrpc(t.url, 'posts.update', { token: ana.token, input: { id, caption: 'now #dusk #harbour' } });
    await settle();
    expect(await idsFor('dawn')).toEqual([]);
    expect(await idsFor('dusk')).toEqual([id]);
    expect(await idsFor('harbour')).toEqual([id]);
    // A tag no post carries any more is not found, like one never used.
    expect((await getTag('dawn')).status).toBe(404);
    expect((await getTag('harbour')).body.result?.data.postCount).toBe(1);

    await callTrpc(t.url, 'posts.delete', { token: ana.token, input: { id } });
    await settle();
    expect(await idsFor('dusk')).toEqual([]);
    expect(await idsFor('harbour')).toEqual([]);
    expect((await getTag('harbour')).status).toBe(404);
  });

  it('pages a hashtag newest first', async () => {
    const ids = [await create('#pager one'), await create('#pager two'), await create('#pager three')];
    await settle();
    const first = await postIdsForTag(t.server.db.kysely, 'pager', undefined, 2);
    expect(first).toEqual([ids[2], ids[1]]);
    expect(await postIdsForTag(t.server.db.kysely, 'pager', first.at(-1), 2)).toEqual([ids[0]]);
  });

  it('counts the posts the caller may see, and follows a visibility change', async () => {
    const id = await create('#quiet', 'followers');
    await settle();
    expect(await idsFor('quiet')).toEqual([id]);
    expect((await getTag('quiet')).status).toBe(404);
    expect((await getTag('quiet', ana.token)).body.result?.data.postCount).toBe(1);
    await callTrpc(t.url, 'posts.update', { token: ana.token, input: { id, visibility: 'public' } });
    await settle();
    expect((await getTag('quiet')).body.result?.data.postCount).toBe(1);
  });

  it('is idempotent: a replayed event changes nothing', async () => {
    const id = await create('#again #again2');
    await settle();
    // The tag handler as the server wires it, writing counts through the server's own counter.
    const handler = createTagHandlers({
      db: t.server.db,
      ids: createIdGenerator({ nodeId: 91 }),
      clock: systemClock,
      textIndex: createTextIndex(t.server.db.caps),
      counter: t.server.background.tagCounter,
    })['post.created']![0]!;
    const event = storedEvent({ type: 'post.created', postId: id, authorId: ana.id });
    await handler(event);
    await handler(event);
    await t.server.background.tagCounter.flush();
    expect(await idsFor('again')).toEqual([id]);
    expect((await getTag('again2')).body.result?.data.postCount).toBe(1);
    const rows = await t.server.db.kysely.selectFrom('post_tags').selectAll().where('post_id', '=', id).execute();
    expect(rows).toHaveLength(2);
  });
});
