import { describe, expect, it } from 'vitest';
import { createAppRouter } from '../../src/api/router.js';
import { createMetrics } from '../../src/http/metrics.js';
import { DIALECTS } from '../support/databases.js';
import { listProcedures } from '../support/raw-calls.js';
import { callTrpc } from '../support/server.js';
import type { SignedUp } from '../support/users.js';
import { moderationSuite } from './support.js';

interface PostView {
  id: string;
  sensitive: boolean;
}
interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
interface Notice {
  kind: string;
  note: string | null;
  post: { id: string } | null;
  commentId: string | null;
  actor: { id: string };
}
interface LogEntry {
  action: string;
  target: { kind: string; id: string };
  targetUserId: string;
  moderator: { id: string };
  reason: string;
}

describe.each(DIALECTS)('moderation actions on $name', (dialect) => {
  const { w, staff } = moderationSuite(dialect, 'ac');

  const notices = async (who: SignedUp) =>
    (await w.query<Page<Notice>>(who, 'notifications.list', { limit: 100 })).items;

  it('hides a post from all but its author, tells the author why, and unhides it', async () => {
    const author = await w.user('author');
    const fan = await w.user('fan');
    await w.call(fan, 'graph.follow', { userId: author.id });
    const postId = await w.post(author, { caption: 'offending #harbour' });
    await w.call(fan, 'reports.create', { target: { kind: 'post', id: postId }, reason: 'violence' });
    await w.settle();

    const acted = await w.call<{ resolvedReports: number; state: { hidden: boolean } }>(
      staff.moderator,
      'moderation.hidePost',
      { id: postId, reason: 'Graphic violence' },
    );
    expect(acted).toMatchObject({ resolvedReports: 1, state: { hidden: true } });
    await w.settle();
    expect(await w.refusal(fan, 'posts.get', { id: postId }, 'query')).toEqual({ status: 404, appCode: 'NOT_FOUND' });
    expect(await w.refusal(null, 'posts.get', { id: postId }, 'query')).toEqual({ status: 404, appCode: 'NOT_FOUND' });
    expect((await w.query<PostView>(author, 'posts.get', { id: postId })).id).toBe(postId);
    const feed = await w.query<Page<PostView>>(fan, 'feed.home', {});
    expect(feed.items.map((p) => p.id)).not.toContain(postId);
    const grid = await w.query<Page<PostView>>(fan, 'posts.byUser', { userId: author.id });
    expect(grid.items.map((p) => p.id)).not.toContain(postId);
    expect(await notices(author)).toContainEqual(
      expect.objectContaining({
        kind: 'post_hidden',
        note: 'Graphic violence',
        post: expect.objectContaining({ id: postId }),
      }),
    );
    // The moderator still sees it.
    const shown = await w.query<{ state: { hidden: boolean } }>(staff.moderator, 'moderation.show', {
      target: { kind: 'post', id: postId },
    });
    expect(shown.state.hidden).toBe(true);

    await w.call(staff.moderator, 'moderation.unhidePost', { id: postId, reason: 'Appeal accepted' });
    expect((await w.query<PostView>(fan, 'posts.get', { id: postId })).id).toBe(postId);
    expect((await w.query<Page<PostView>>(fan, 'feed.home', {})).items.map((p) => p.id)).toContain(postId);
  });

  it('marks posts sensitive: authors at create and update, moderators with a mark only they can lift', async () => {
    const author = await w.user('artist');
    const own = await w.post(author, { sensitive: true });
    expect((await w.query<PostView>(null, 'posts.get', { id: own })).sensitive).toBe(true);
    expect((await w.call<PostView>(author, 'posts.update', { id: own, sensitive: false })).sensitive).toBe(false);

    const other = await w.post(author);
    expect((await w.query<PostView>(null, 'posts.get', { id: other })).sensitive).toBe(false);
    await w.call(staff.moderator, 'moderation.markSensitive', { id: other, reason: 'Nudity' });
    expect((await w.query<PostView>(null, 'posts.get', { id: other })).sensitive).toBe(true);
    expect(
      (await w.query<Page<PostView>>(null, 'posts.byUser', { userId: author.id })).items.find((p) => p.id === other),
    ).toMatchObject({ sensitive: true });
    expect(await w.refusal(author, 'posts.update', { id: other, sensitive: false })).toEqual({
      status: 403,
      appCode: 'FORBIDDEN',
    });
    await w.settle();
    expect(await notices(author)).toContainEqual(expect.objectContaining({ kind: 'post_sensitive', note: 'Nudity' }));
    await w.call(staff.moderator, 'moderation.unmarkSensitive', { id: other, reason: 'Art' });
    expect((await w.query<PostView>(null, 'posts.get', { id: other })).sensitive).toBe(false);
  });

  it('removes a comment from every reader and restores it', async () => {
    const author = await w.user('poster');
    const troll = await w.user('troll');
    const postId = await w.post(author);
    const comment = await w.call<{ id: string }>(troll, 'comments.create', { postId, body: 'you are awful' });
    const reply = await w.call<{ id: string }>(author, 'comments.create', { postId, parentId: comment.id, body: 'ok' });
    const bodies = async () =>
      (await w.query<Page<{ id: string }>>(null, 'comments.list', { postId })).items.map((c) => c.id);
    expect(await bodies()).toEqual([comment.id]);

    await w.call(staff.moderator, 'moderation.removeComment', { id: comment.id, reason: 'Harassment' });
    expect(await bodies()).toEqual([]);
    expect(await w.refusal(null, 'comments.replies', { commentId: comment.id }, 'query')).toMatchObject({
      appCode: 'NOT_FOUND',
    });
    expect(await w.refusal(author, 'comments.create', { postId, parentId: comment.id, body: 'x' })).toMatchObject({
      appCode: 'NOT_FOUND',
    });
    await w.settle();
    expect(await notices(troll)).toContainEqual(
      expect.objectContaining({ kind: 'comment_removed', commentId: comment.id, note: 'Harassment' }),
    );

    await w.call(staff.moderator, 'moderation.restoreComment', { id: comment.id, reason: 'Mistake' });
    expect(await bodies()).toEqual([comment.id]);
    const replies = await w.query<Page<{ id: string }>>(null, 'comments.replies', { commentId: comment.id });
    expect(replies.items.map((c) => c.id)).toEqual([reply.id]);
  });

  it('suspends an account: sessions end, sign-in is refused, and it and its content vanish everywhere until unsuspended', async () => {
    const spammer = await w.user('spammer');
    const reader = await w.user('reader');
    const friend = await w.user('friend');
    await w.call(reader, 'graph.follow', { userId: spammer.id });
    const ownPost = await w.post(spammer, { caption: 'cheap pills #deals' });
    const friendPost = await w.post(friend, { caption: 'harbour' });
    const comment = await w.call<{ id: string }>(spammer, 'comments.create', { postId: friendPost, body: 'buy pills' });
    await w.call(spammer, 'likes.like', { postId: friendPost });
    await w.call(reader, 'reports.create', { target: { kind: 'post', id: ownPost }, reason: 'spam' });
    await w.call(reader, 'reports.create', { target: { kind: 'user', id: spammer.id }, reason: 'spam' });
    await w.settle();
    expect((await notices(friend)).some((n) => n.actor.id === spammer.id)).toBe(true);

    const suspended = await w.call<{ resolvedReports: number; state: { suspended: boolean } }>(
      staff.moderator,
      'moderation.suspend',
      { username: spammer.username, reason: 'Spam' },
    );
    // The reports of the account and of its post are answered together.
    expect(suspended).toMatchObject({ resolvedReports: 2, state: { suspended: true } });
    await w.settle();

    expect(await w.refusal(spammer, 'accounts.me', undefined, 'query')).toEqual({
      status: 401,
      appCode: 'UNAUTHENTICATED',
    });
    const login = await callTrpc(staff.t.url, 'accounts.login', {
      input: { username: spammer.username, password: 'correct horse battery' },
    });
    expect(login.status).toBe(403);
    expect(login.body.error?.data.appCode).toBe('ACCOUNT_SUSPENDED');
    // A wrong password does not learn that the account is suspended.
    const wrong = await callTrpc(staff.t.url, 'accounts.login', {
      input: { username: spammer.username, password: 'nope nope' },
    });
    expect(wrong.body.error?.data.appCode).toBe('INVALID_CREDENTIALS');

    const gone = { status: 404, appCode: 'NOT_FOUND' };
    for (const viewer of [reader, friend, null]) {
      expect(await w.refusal(viewer, 'users.profile', { userId: spammer.id }, 'query')).toEqual(gone);
      expect(await w.refusal(viewer, 'posts.get', { id: ownPost }, 'query')).toEqual(gone);
      expect(await w.refusal(viewer, 'posts.byUser', { userId: spammer.id }, 'query')).toEqual(gone);
      expect(await w.refusal(viewer, 'graph.followers', { userId: spammer.id }, 'query')).toEqual(gone);
    }
    expect((await w.query<Page<PostView>>(reader, 'feed.home', {})).items.map((p) => p.id)).not.toContain(ownPost);
    const tag = await w.refusal(reader, 'feed.hashtag', { tag: 'deals' }, 'query');
    if (tag === undefined) {
      const page = await w.query<Page<PostView>>(reader, 'feed.hashtag', { tag: 'deals' });
      expect(page.items.map((p) => p.id)).not.toContain(ownPost);
    }
    const search = await w.query<{ users: { id: string }[]; posts: Page<PostView> }>(reader, 'search.all', {
      q: 'pills',
    });
    expect(search.posts.items.map((p) => p.id)).not.toContain(ownPost);
    const byName = await w.query<{ users: { id: string }[] }>(reader, 'search.all', { q: spammer.username });
    expect(byName.users.map((u) => u.id)).not.toContain(spammer.id);
    const comments = await w.query<Page<{ id: string }>>(friend, 'comments.list', { postId: friendPost });
    expect(comments.items.map((c) => c.id)).not.toContain(comment.id);
    const likers = await w.query<Page<{ user: { id: string } }>>(friend, 'likes.likers', { postId: friendPost });
    expect(likers.items.map((l) => l.user.id)).not.toContain(spammer.id);
    expect((await w.query<Page<{ id: string }>>(reader, 'graph.following', { userId: reader.id })).items).toEqual([]);
    expect((await notices(friend)).some((n) => n.actor.id === spammer.id)).toBe(false);
    expect(
      await w.refusal(reader, 'reports.create', { target: { kind: 'user', id: spammer.id }, reason: 'spam' }),
    ).toEqual(gone);

    await w.call(staff.moderator, 'moderation.unsuspend', { userId: spammer.id, reason: 'Appeal' });
    const back = await callTrpc<{ token: string }>(staff.t.url, 'accounts.login', {
      input: { username: spammer.username, password: 'correct horse battery' },
    });
    const token = back.body.result!.data.token;
    expect((await w.query<{ user: { id: string } }>(reader, 'users.profile', { userId: spammer.id })).user.id).toBe(
      spammer.id,
    );
    expect((await w.query<PostView>(reader, 'posts.get', { id: ownPost })).id).toBe(ownPost);
    expect((await w.query<Page<PostView>>(reader, 'feed.home', {})).items.map((p) => p.id)).toContain(ownPost);
    expect(
      (await w.query<Page<{ id: string }>>(friend, 'comments.list', { postId: friendPost })).items.map((c) => c.id),
    ).toContain(comment.id);
    expect((await notices(friend)).some((n) => n.actor.id === spammer.id)).toBe(true);
    // The suspension notice waited for them.
    const theirs = await w.query<Page<Notice>>({ ...spammer, token }, 'notifications.list', {});
    expect(theirs.items).toContainEqual(expect.objectContaining({ kind: 'account_suspended', note: 'Spam' }));
  });

  it('lets moderators suspend users only, admins moderators too, and nobody themselves or an admin', async () => {
    const otherMod = await w.user('mod2');
    await w.call(staff.admin, 'moderation.setRole', { userId: otherMod.id, role: 'moderator', reason: 'team' });
    const forbidden = { status: 403, appCode: 'FORBIDDEN' };
    expect(await w.refusal(staff.moderator, 'moderation.suspend', { userId: otherMod.id, reason: 'x' })).toEqual(
      forbidden,
    );
    expect(await w.refusal(staff.moderator, 'moderation.suspend', { userId: staff.admin.id, reason: 'x' })).toEqual(
      forbidden,
    );
    expect(await w.refusal(staff.moderator, 'moderation.suspend', { userId: staff.moderator.id, reason: 'x' })).toEqual(
      forbidden,
    );
    expect(
      await w.refusal(staff.admin, 'moderation.suspend', { userId: otherMod.id, reason: 'rogue' }),
    ).toBeUndefined();
    expect(await w.refusal(otherMod, 'moderation.queue', {}, 'query')).toEqual({
      status: 401,
      appCode: 'UNAUTHENTICATED',
    });
    // Actions need a reason and a target that exists.
    expect(await w.refusal(staff.moderator, 'moderation.hidePost', { id: '900000000000000001', reason: 'x' })).toEqual({
      status: 404,
      appCode: 'NOT_FOUND',
    });
    expect(
      await w.refusal(staff.moderator, 'moderation.hidePost', { id: '900000000000000001', reason: ' ' }),
    ).toMatchObject({
      appCode: 'VALIDATION_FAILED',
    });
  });

  it('keeps an append-only audit log of every action, filtered by moderator or by user', async () => {
    const author = await w.user('logged');
    const postId = await w.post(author);
    await w.call(staff.moderator, 'moderation.hidePost', { id: postId, reason: 'one' });
    await w.call(staff.admin, 'moderation.unhidePost', { id: postId, reason: 'two' });
    const about = await w.query<Page<LogEntry>>(staff.moderator, 'moderation.log', { targetUserId: author.id });
    expect(about.items.map((e) => [e.action, e.moderator.id, e.reason])).toEqual([
      ['unhide_post', staff.admin.id, 'two'],
      ['hide_post', staff.moderator.id, 'one'],
    ]);
    const byAdmin = await w.query<Page<LogEntry>>(staff.moderator, 'moderation.log', {
      moderatorId: staff.admin.id,
      limit: 100,
    });
    expect(byAdmin.items.every((e) => e.moderator.id === staff.admin.id)).toBe(true);
    const paged = await w.query<Page<LogEntry>>(staff.moderator, 'moderation.log', { limit: 1 });
    expect(paged.items).toHaveLength(1);
    expect(paged.nextCursor).not.toBeNull();
    // No procedure changes or deletes the log: the API has reads of it only.
    const procedures = listProcedures(createAppRouter(staff.t.server.services, createMetrics())).map((p) => p.path);
    expect(procedures).toContain('moderation.log');
    expect(procedures.filter((p) => p.startsWith('moderation.') && /log/i.test(p))).toEqual(['moderation.log']);
    const count = await staff.t.server.db.kysely
      .selectFrom('moderation_log')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBeGreaterThanOrEqual(2);
  });
});
