import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recountCounters } from '../../src/modules/admin/recount.js';
import { REACTIONS } from '../../src/modules/engagement/reactions.js';
import { DIALECTS } from '../support/databases.js';
import { signUp as signUpUser } from '../support/users.js';
import { callTrpc, startTestServer, type TestServer } from '../support/server.js';
import { insertPostRow } from '../support/post-rows.js';

interface User {
  id: string;
  token: string;
}
interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
interface Liker {
  user: { id: string; username: string };
  reaction: string;
  likedAt: string;
}
interface CommentView {
  id: string;
  postId: string;
  parentId: string | null;
  author: { id: string };
  body: string;
  replyCount: number;
  createdAt: string;
  canDelete: boolean;
}

describe.each(DIALECTS)('likes and comments on $name', (dialect) => {
  let t: TestServer;
  let ana: User;
  let ben: User;
  let cat: User;
  let nextPost = 0;

  const signUp = (name: string): Promise<User> => signUpUser(t.url, name);
  /** Posts are inserted directly: engagement needs only the row, not the photos. */
  const insertPost = async (author: User, overrides: { comments_enabled?: number } = {}): Promise<string> => {
    const id = String(900_000_000_000_000_000n + BigInt(++nextPost));
    return insertPostRow(t.server.db.kysely, { id, author_id: author.id, ...overrides });
  };
  const block = (blocker: User, blocked: User) =>
    t.server.db.kysely
      .insertInto('blocks')
      .values({ blocker_id: blocker.id, blocked_id: blocked.id, created_at: new Date().toISOString() })
      .execute();
  const mutate = <T>(path: string, user: User | null, input: unknown) =>
    callTrpc<T>(t.url, path, { input, ...(user ? { token: user.token } : {}) });
  const query = <T>(path: string, user: User | null, input: unknown) =>
    callTrpc<T>(t.url, path, { type: 'query', input, ...(user ? { token: user.token } : {}) });
  const data = <T>(response: { status: number; body: { result?: { data: T }; error?: unknown } }): T => {
    if (!response.body.result) throw new Error(`call failed (${response.status}): ${JSON.stringify(response.body)}`);
    return response.body.result.data;
  };
  const counts = async (postId: string) => {
    const post = await t.server.db.kysely
      .selectFrom('posts')
      .select(['like_count', 'comment_count'])
      .where('id', '=', postId)
      .executeTakeFirstOrThrow();
    return { likes: post.like_count, comments: post.comment_count };
  };
  const replyCount = async (commentId: string) =>
    (
      await t.server.db.kysely
        .selectFrom('comments')
        .select('reply_count')
        .where('id', '=', commentId)
        .executeTakeFirstOrThrow()
    ).reply_count;
  const comment = async (user: User, postId: string, body: string, parentId?: string) =>
    data(await mutate<CommentView>('comments.create', user, { postId, body, ...(parentId ? { parentId } : {}) }));

  beforeAll(async () => {
    t = await startTestServer({ dialect });
    [ana, ben, cat] = [await signUp('ana'), await signUp('ben'), await signUp('cat')];
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('likes and unlikes idempotently, changes reactions without counting twice', async () => {
    const postId = await insertPost(ana);
    expect(data(await mutate('likes.like', ben, { postId }))).toEqual({ liked: true, reaction: 'like', likeCount: 1 });
    expect(data(await mutate('likes.like', ben, { postId }))).toEqual({ liked: true, reaction: 'like', likeCount: 1 });
    expect(data(await mutate('likes.like', cat, { postId, reaction: 'fire' }))).toMatchObject({ likeCount: 2 });
    expect(data(await mutate('likes.like', ben, { postId, reaction: 'love' }))).toEqual({
      liked: true,
      reaction: 'love',
      likeCount: 2,
    });
    expect(await counts(postId)).toMatchObject({ likes: 2 });
    const row = await t.server.db.kysely
      .selectFrom('likes')
      .select('reaction')
      .where('post_id', '=', postId)
      .where('user_id', '=', ben.id)
      .executeTakeFirstOrThrow();
    expect(row.reaction).toBe('love');
    // The post read knows the viewer's reaction.
    const read = data(
      await query<{ viewerHasLiked: boolean; viewerReaction: string | null }>('posts.get', ben, { id: postId }),
    );
    expect(read).toMatchObject({ viewerHasLiked: true, viewerReaction: 'love', likeCount: 2 });

    expect(data(await mutate('likes.unlike', ben, { postId }))).toEqual({ liked: false, likeCount: 1 });
    expect(data(await mutate('likes.unlike', ben, { postId }))).toEqual({ liked: false, likeCount: 1 });
    expect(data(await mutate('likes.unlike', ana, { postId }))).toEqual({ liked: false, likeCount: 1 });
    expect(await counts(postId)).toMatchObject({ likes: 1 });
    const after = data(await query<{ viewerHasLiked: boolean }>('posts.get', ben, { id: postId }));
    expect(after.viewerHasLiked).toBe(false);

    const bad = await mutate<never>('likes.like', ben, { postId, reaction: 'angry' });
    expect(bad.body.error?.data.appCode).toBe('VALIDATION_FAILED');
    expect((await mutate('likes.like', null, { postId })).status).toBe(401);
    expect(REACTIONS.length).toBeLessThanOrEqual(6);
  });

  it('counts concurrent likes of one user once', async () => {
    const postId = await insertPost(ana);
    const results = await Promise.all(Array.from({ length: 8 }, () => mutate('likes.like', cat, { postId })));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(await counts(postId)).toMatchObject({ likes: 1 });
  });

  it('lists likers newest first over pages, leaving out users blocked either way', async () => {
    const postId = await insertPost(ana);
    const likers: User[] = [];
    for (let i = 0; i < 7; i++) likers.push(await signUp(`liker${i}`));
    for (const [i, liker] of likers.entries()) {
      await mutate('likes.like', liker, { postId, reaction: REACTIONS[i % REACTIONS.length] });
    }
    const seen: Liker[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = data(
        await query<Page<Liker>>('likes.likers', null, { postId, limit: 3, ...(cursor ? { cursor } : {}) }),
      );
      seen.push(...page.items);
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.map((l) => l.user.id)).toEqual(likers.map((u) => u.id).reverse());
    expect(seen.at(-1)).toMatchObject({ reaction: 'like', likedAt: expect.any(String) });
    expect(seen[0]!.reaction).toBe(REACTIONS[6 % REACTIONS.length]);

    // ben blocks liker0; liker1 blocks ben: ben sees neither, everyone else sees both.
    await block(ben, likers[0]!);
    await block(likers[1]!, ben);
    const forBen = data(await query<Page<Liker>>('likes.likers', ben, { postId, limit: 100 }));
    expect(forBen.items.map((l) => l.user.id)).toEqual(
      likers
        .slice(2)
        .map((u) => u.id)
        .reverse(),
    );
    const forCat = data(await query<Page<Liker>>('likes.likers', cat, { postId, limit: 100 }));
    expect(forCat.items).toHaveLength(7);
    // A likers page of ben's still fills up: the filter is in the query, not after it.
    const firstForBen = data(await query<Page<Liker>>('likes.likers', ben, { postId, limit: 5 }));
    expect(firstForBen.items).toHaveLength(5);
    expect(firstForBen.nextCursor).toBeNull();
  });

  it('creates comments and one level of replies, lists and pages them, keeps counts', async () => {
    const postId = await insertPost(ana);
    const first = await comment(ben, postId, '  first!  ');
    expect(first).toMatchObject({ postId, parentId: null, author: { id: ben.id }, body: 'first!', replyCount: 0 });
    expect(first.canDelete).toBe(true);
    const tops = [first];
    for (let i = 1; i < 5; i++) tops.push(await comment(i % 2 ? cat : ana, postId, `top ${i}`));
    const r1 = await comment(cat, postId, 'reply one', first.id);
    const r2 = await comment(ana, postId, 'reply two', first.id);
    // Replying to a reply joins the top-level thread (Instagram's one level).
    const r3 = await comment(ben, postId, 'reply to a reply', r1.id);
    expect(r3.parentId).toBe(first.id);
    expect(await counts(postId)).toEqual({ likes: 0, comments: 8 });
    expect(await replyCount(first.id)).toBe(3);

    const seen: CommentView[] = [];
    let cursor: string | undefined;
    do {
      const page = data(
        await query<Page<CommentView>>('comments.list', cat, { postId, limit: 2, ...(cursor ? { cursor } : {}) }),
      );
      seen.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen.map((c) => c.id)).toEqual(tops.map((c) => c.id).reverse());
    expect(seen.find((c) => c.id === first.id)).toMatchObject({ replyCount: 3, canDelete: false });
    // The post's author may delete every comment on it.
    const asAna = data(await query<Page<CommentView>>('comments.list', ana, { postId }));
    expect(asAna.items.every((c) => c.canDelete)).toBe(true);

    const page1 = data(await query<Page<CommentView>>('comments.replies', null, { commentId: first.id, limit: 2 }));
    expect(page1.items.map((c) => c.id)).toEqual([r1.id, r2.id]);
    expect(page1.items.every((c) => !c.canDelete)).toBe(true);
    const page2 = data(
      await query<Page<CommentView>>('comments.replies', null, { commentId: first.id, cursor: page1.nextCursor }),
    );
    expect(page2).toEqual({
      items: [expect.objectContaining({ id: r3.id, body: 'reply to a reply' })],
      nextCursor: null,
    });

    const empty = await mutate<never>('comments.create', ben, { postId, body: '   ' });
    expect(empty.body.error?.data.appCode).toBe('VALIDATION_FAILED');
    const long = await mutate<never>('comments.create', ben, { postId, body: 'x'.repeat(1_001) });
    expect(long.body.error?.data.issues).toEqual([expect.objectContaining({ path: ['body'] })]);
    expect((await mutate('comments.create', ben, { postId, body: 'x'.repeat(1_000) })).status).toBe(200);
    const elsewhere = await insertPost(ana);
    const wrongPost = await mutate<never>('comments.create', ben, {
      postId: elsewhere,
      body: 'hi',
      parentId: first.id,
    });
    expect(wrongPost.status).toBe(404);
  });

  it('deletes by the comment author or the post author only, idempotently, with the thread and the counts', async () => {
    const postId = await insertPost(ana);
    const byBen = await comment(ben, postId, 'ben says');
    const byCat = await comment(cat, postId, 'cat says');
    const thread = await comment(cat, postId, 'a thread');
    const replies = [await comment(ben, postId, 'r1', thread.id), await comment(ana, postId, 'r2', thread.id)];
    const lone = await comment(ben, postId, 'r3', thread.id);
    expect(await counts(postId)).toMatchObject({ comments: 6 });

    // cat may see the post but wrote neither the comment nor the post.
    const refused = await mutate<never>('comments.delete', cat, { commentId: byBen.id });
    expect(refused.status).toBe(403);
    expect(refused.body.error?.data.appCode).toBe('FORBIDDEN');

    expect(data(await mutate('comments.delete', ben, { commentId: byBen.id }))).toEqual({ ok: true });
    expect(data(await mutate('comments.delete', ben, { commentId: byBen.id }))).toEqual({ ok: true });
    expect(data(await mutate('comments.delete', ana, { commentId: byCat.id }))).toEqual({ ok: true });
    // Once gone, a comment is not there for anyone else.
    expect((await mutate('comments.delete', cat, { commentId: byBen.id })).status).toBe(404);
    expect(await counts(postId)).toMatchObject({ comments: 4 });

    // A reply alone: the thread's reply count and the post's count drop by one.
    expect(data(await mutate('comments.delete', ben, { commentId: lone.id }))).toEqual({ ok: true });
    expect(await replyCount(thread.id)).toBe(2);
    expect(await counts(postId)).toMatchObject({ comments: 3 });

    // A thread goes with its replies.
    expect(data(await mutate('comments.delete', cat, { commentId: thread.id }))).toEqual({ ok: true });
    expect(await counts(postId)).toMatchObject({ comments: 0 });
    expect(data(await query<Page<CommentView>>('comments.list', ana, { postId })).items).toEqual([]);
    expect((await query('comments.replies', ana, { commentId: thread.id })).status).toBe(404);
    expect(data(await mutate('comments.delete', ben, { commentId: replies[0]!.id }))).toEqual({ ok: true });
    expect(await counts(postId)).toMatchObject({ comments: 0 });
    const replyToGone = await mutate<never>('comments.create', ben, { postId, body: 'late', parentId: thread.id });
    expect(replyToGone.status).toBe(404);

    // Every counter equals a count of its rows: the repair finds nothing to fix.
    const { fixed } = await recountCounters(t.server.db.kysely);
    expect(fixed).toMatchObject({ 'posts.like_count': 0, 'posts.comment_count': 0, 'comments.reply_count': 0 });
  });

  it('keeps counters exact under concurrent replies, deletes, likes and unlikes', async () => {
    const postId = await insertPost(ana);
    const thread = await comment(cat, postId, 'busy thread');
    const doomed = await comment(ben, postId, 'deleted twice at once', thread.id);
    const calls = [
      ...Array.from({ length: 10 }, (_, i) =>
        mutate('comments.create', i % 2 ? ben : ana, { postId, body: `reply ${i}`, parentId: thread.id }),
      ),
      mutate('comments.delete', ben, { commentId: doomed.id }),
      mutate('comments.delete', ana, { commentId: doomed.id }),
      mutate('comments.delete', cat, { commentId: thread.id }),
      ...[ana, ben, cat].flatMap((user) => [
        mutate('likes.like', user, { postId }),
        mutate('likes.unlike', user, { postId }),
        mutate('likes.like', user, { postId, reaction: 'wow' }),
      ]),
    ];
    const responses = await Promise.all(calls);
    // A reply racing the thread's deletion may find it gone (404); nothing may fail otherwise.
    expect(responses.map((r) => r.status).filter((s) => s !== 200 && s !== 404)).toEqual([]);
    expect(responses.slice(10).every((r) => r.status === 200)).toBe(true);
    expect(await counts(postId)).toMatchObject({ comments: 0 });
    const { fixed } = await recountCounters(t.server.db.kysely);
    expect(fixed).toMatchObject({ 'posts.like_count': 0, 'posts.comment_count': 0, 'comments.reply_count': 0 });
  });

  it('refuses comments when the author turned them off', async () => {
    const postId = await insertPost(ana, { comments_enabled: 0 });
    const refused = await mutate<never>('comments.create', ben, { postId, body: 'hello?' });
    expect(refused.status).toBe(403);
    expect(refused.body.error?.data.appCode).toBe('FORBIDDEN');
    expect(refused.body.error?.message).toMatch(/Comments are turned off/);
    expect((await mutate('comments.create', ana, { postId, body: 'me neither' })).status).toBe(403);
    // Turned back on through the posts API.
    await mutate('posts.update', ana, { id: postId, commentsEnabled: true });
    expect((await mutate('comments.create', ben, { postId, body: 'hello!' })).status).toBe(200);
  });

  it('leaves out comments and threads of users blocked either way', async () => {
    const dan = await signUp('dan');
    const eve = await signUp('eve');
    const postId = await insertPost(ana);
    const fromDan = await comment(dan, postId, 'dan here');
    const fromEve = await comment(eve, postId, 'eve here');
    const fromCat = await comment(cat, postId, 'cat here');
    const danReply = await comment(dan, postId, 'dan replies', fromCat.id);
    const eveReply = await comment(eve, postId, 'eve replies', fromCat.id);
    await block(ben, dan);
    await block(eve, ben);

    const forBen = data(await query<Page<CommentView>>('comments.list', ben, { postId }));
    expect(forBen.items.map((c) => c.id)).toEqual([fromCat.id]);
    const repliesForBen = data(await query<Page<CommentView>>('comments.replies', ben, { commentId: fromCat.id }));
    expect(repliesForBen.items).toEqual([]);
    // A blocked user's thread is not there at all for ben: not to read, not to reply to.
    expect((await query('comments.replies', ben, { commentId: fromDan.id })).status).toBe(404);
    expect((await mutate('comments.create', ben, { postId, body: 'hey', parentId: fromEve.id })).status).toBe(404);
    expect((await mutate('comments.create', ben, { postId, body: 'hey', parentId: danReply.id })).status).toBe(404);
    expect((await mutate('comments.delete', ben, { commentId: fromDan.id })).status).toBe(404);

    const forCat = data(await query<Page<CommentView>>('comments.list', cat, { postId }));
    expect(forCat.items.map((c) => c.id)).toEqual([fromCat.id, fromEve.id, fromDan.id]);
    const repliesForCat = data(await query<Page<CommentView>>('comments.replies', cat, { commentId: fromCat.id }));
    expect(repliesForCat.items.map((c) => c.id)).toEqual([danReply.id, eveReply.id]);
  });
});
