import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import { insertReadyMedia } from '../support/media.js';
import { callTrpc, startTestServer, type TestServer } from '../support/server.js';
import { signUp, type SignedUp } from '../support/users.js';

interface Page<T> {
  items: T[];
}
interface Item {
  id: string;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aperture-words-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.each(DIALECTS)('word filters on $name', (dialect) => {
  let t: TestServer;
  let file: string;
  let ana: SignedUp;
  let ben: SignedUp;
  let benPost: string;

  const query = <T>(path: string, user: SignedUp | null, input: unknown) =>
    callTrpc<T>(t.url, path, { type: 'query', input, ...(user ? { token: user.token } : {}) });
  const ids = async (path: string, user: SignedUp | null, input: unknown): Promise<string[]> => {
    const response = await query<Page<Item>>(path, user, input);
    if (!response.body.result) throw new Error(`${path}: ${JSON.stringify(response.body)}`);
    return response.body.result.data.items.map((item) => item.id);
  };
  const comment = (user: SignedUp, body: string) =>
    callTrpc<Item>(t.url, 'comments.create', { token: user.token, input: { postId: benPost, body } });
  const post = async (user: SignedUp, caption: string) =>
    callTrpc<Item>(t.url, 'posts.create', {
      token: user.token,
      input: { mediaIds: [await insertReadyMedia(t.server.db.kysely, user.id)], caption },
    });

  beforeAll(async () => {
    file = join(dir, `${dialect.name}.rules`);
    await writeFile(file, '# spam\nreject scam\nhold buy followers   # bots selling\n');
    t = await startTestServer({ dialect, env: { APERTURE_WORD_FILTER_FILE: file } });
    [ana, ben] = [await signUp(t.url, 'ana'), await signUp(t.url, 'ben')];
    await callTrpc(t.url, 'graph.follow', { token: ben.token, input: { username: 'ana' } });
    const created = await post(ben, 'Harbour at dusk');
    benPost = created.body.result!.data.id;
  });
  afterAll(async () => {
    await t.stop();
  });

  it('reject a comment or caption with a reject term, without naming the term', async () => {
    const refused = await comment(ana, 'What a S\u200bCAM, really');
    expect(refused.status).toBe(422);
    expect(refused.body.error?.data).toMatchObject({ appCode: 'CONTENT_REJECTED' });
    expect(refused.body.error?.message.toLowerCase()).not.toContain('scam');
    const caption = await post(ana, 'ＳＣＡＭ alert');
    expect(caption.body.error?.data).toMatchObject({ appCode: 'CONTENT_REJECTED' });
    const edit = await callTrpc(t.url, 'posts.update', { token: ben.token, input: { id: benPost, caption: 'scam' } });
    expect(edit.body.error?.data).toMatchObject({ appCode: 'CONTENT_REJECTED' });
    const rows = await t.server.db.kysely.selectFrom('comments').select('id').where('author_id', '=', ana.id).execute();
    expect(rows).toHaveLength(0);
  });

  it('hold a comment: listed to its author only until it is released', async () => {
    const held = await comment(ana, 'Buy-Followers here');
    expect(held.status).toBe(200);
    const commentId = held.body.result!.data.id;
    expect(await ids('comments.list', ana, { postId: benPost })).toContain(commentId);
    expect(await ids('comments.list', ben, { postId: benPost })).not.toContain(commentId);
    expect(await ids('comments.list', null, { postId: benPost })).not.toContain(commentId);
    await t.server.settle();
    // The post's author was not notified of a comment nobody else can see.
    expect(await ids('notifications.list', ben, {})).toHaveLength(0);

    const holds = await t.server.services.wordFilters.listHeld();
    const hold = holds.find((h) => h.commentId === commentId);
    expect(hold).toMatchObject({
      subject: 'comment',
      authorId: ana.id,
      rule: { term: 'buy followers', source: 'file' },
    });
    expect(await t.server.services.wordFilters.release(hold!.id)).toBe(true);
    expect(await t.server.services.wordFilters.release(hold!.id)).toBe(false);
    expect(await ids('comments.list', ben, { postId: benPost })).toContain(commentId);
    await t.server.settle();
    expect(await ids('notifications.list', ben, {})).toHaveLength(1);
  });

  it('hold a post: visible to its author only, in no feed, grid or hashtag, until it is released', async () => {
    const created = await post(ana, 'buy followers cheap #deals');
    expect(created.status).toBe(200);
    const postId = created.body.result!.data.id;
    await t.server.settle();
    expect((await query('posts.get', ana, { id: postId })).status).toBe(200);
    expect(await ids('feed.user', ana, { username: 'ana' })).toContain(postId);
    expect((await query('posts.get', ben, { id: postId })).status).toBe(404);
    expect((await query('posts.get', null, { id: postId })).status).toBe(404);
    expect(await ids('feed.home', ben, {})).not.toContain(postId);
    expect(await ids('feed.user', ben, { username: 'ana' })).not.toContain(postId);
    expect(await ids('feed.hashtag', null, { tag: 'deals' })).not.toContain(postId);
    expect(await ids('feed.hashtag', ben, { tag: 'deals' })).not.toContain(postId);
    const comments = await query('comments.list', ben, { postId });
    expect(comments.status).toBe(404);

    const hold = (await t.server.services.wordFilters.listHeld()).find((h) => h.postId === postId);
    expect(hold).toMatchObject({ subject: 'post', commentId: null, rule: { term: 'buy followers' } });
    await t.server.services.wordFilters.release(hold!.id);
    await t.server.settle();
    expect((await query('posts.get', ben, { id: postId })).status).toBe(200);
    expect(await ids('feed.home', ben, {})).toContain(postId);
    expect(await ids('feed.hashtag', null, { tag: 'deals' })).toContain(postId);
  });

  it('hold a caption edit: the post leaves everyone but its author', async () => {
    const created = await post(ana, 'Quiet morning');
    const postId = created.body.result!.data.id;
    await t.server.settle();
    expect(await ids('feed.home', ben, {})).toContain(postId);
    const edit = await callTrpc(t.url, 'posts.update', {
      token: ana.token,
      input: { id: postId, caption: 'Quiet morning, buy followers' },
    });
    expect(edit.status).toBe(200);
    expect((await query('posts.get', ben, { id: postId })).status).toBe(404);
    expect(await ids('feed.home', ben, {})).not.toContain(postId);
    const hold = (await t.server.services.wordFilters.listHeld()).find((h) => h.postId === postId);
    expect(hold?.subject).toBe('caption');
    await t.server.services.wordFilters.release(hold!.id);
    expect((await query('posts.get', ben, { id: postId })).status).toBe(200);
  });

  it('reload the file when it changes, and keep the rules when a change breaks it', async () => {
    expect((await comment(ana, 'Lovely harbour')).status).toBe(200);
    await writeFile(file, 'reject scam\nreject harbour\n');
    await t.server.settle();
    expect((await comment(ana, 'The HARBOUR!')).status).toBe(422);
    await writeFile(file, 'reject scam\nforbid everything\n');
    await t.server.settle();
    expect((await comment(ana, 'The harbour again')).status).toBe(422);
  });

  it('apply the rules added with the admin words commands', async () => {
    const words = t.server.services.wordFilters;
    await words.addAdminRule('Spätzle', 'reject');
    expect(await words.listAdminRules()).toMatchObject([{ term: 'Spätzle', action: 'reject' }]);
    expect((await comment(ana, 'SPATZLE for dinner')).status).toBe(422);
    expect(await words.removeAdminRule('spätzle')).toBe(true);
    expect((await comment(ana, 'SPATZLE for dinner')).status).toBe(200);
  });
});

describe('a broken word filter file', () => {
  it('stops the start, naming the bad line', async () => {
    const file = join(dir, 'broken.rules');
    await writeFile(file, 'reject scam\nblock this\n');
    await expect(startTestServer({ dialect: DIALECTS[0]!, env: { APERTURE_WORD_FILTER_FILE: file } })).rejects.toThrow(
      /line 2: expected "reject <term>" or "hold <term>"/,
    );
  });
});
