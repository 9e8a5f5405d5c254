import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCatalog } from '../../src/db/catalog.js';
import { recountCounters } from '../../src/modules/admin/recount.js';
import { DIALECTS } from '../support/databases.js';
import { callTrpc, manualClock, startTestServer, type TestServer } from '../support/server.js';
import { accountWorld, mediaFor } from './support.js';

const HOUR = 3_600_000;

describe.each(DIALECTS)('account deletion on $name', (dialect) => {
  let t: TestServer;
  const clock = manualClock();
  const w = accountWorld(() => t, 'dl');

  beforeAll(async () => {
    t = await startTestServer({
      dialect,
      media: mediaFor(dialect),
      clock,
      env: { APERTURE_DELETION_GRACE_HOURS: '24', APERTURE_DELETED_USERNAME_HOLD_DAYS: '2' },
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  const db = () => t.server.db.kysely;
  const settle = () => t.server.settle();
  /** Every row of every table that names one of `ids` in an id column, as `table.column`. */
  const rowsNaming = async (ids: string[], except: string[]) => {
    const found: string[] = [];
    for (const table of await readCatalog(t.server.db)) {
      if (except.includes(table.name) || table.name.startsWith('post_search')) continue;
      for (const column of table.columns) {
        if (column.name !== 'id' && !column.name.endsWith('_id')) continue;
        const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table.name)}
          where cast(${sql.ref(column.name)} as text) in (${sql.join(ids)})`.execute(db());
        if (Number(rows[0]?.n) > 0) found.push(`${table.name}.${column.name}`);
      }
    }
    return found;
  };

  it('hides the account at once, refuses its sign-in, and leaves no row or file of it after the grace period', async () => {
    const del = await w.user('del');
    const ben = await w.user('ben');
    const cy = await w.user('cy');
    const pic = await w.upload(del, 1);
    const avatar = await w.upload(del, 2);
    await w.call(del, 'accounts.setAvatar', { mediaId: avatar.mediaId });
    const delPost = await w.call<{ id: string }>(del, 'posts.create', {
      mediaIds: [pic.mediaId],
      caption: 'mine #gone',
    });
    const benPic = await w.upload(ben, 3);
    const benPost = await w.call<{ id: string }>(ben, 'posts.create', {
      mediaIds: [benPic.mediaId],
      caption: 'ben #gone',
    });
    // Everything the account touches: likes, comments and replies both ways, follows both ways, blocks, mutes, a report.
    await w.call(del, 'likes.like', { postId: benPost.id });
    await w.call(cy, 'likes.like', { postId: benPost.id });
    await w.call(ben, 'likes.like', { postId: delPost.id });
    const delComment = await w.call<{ id: string }>(del, 'comments.create', { postId: benPost.id, body: 'from del' });
    await w.call(ben, 'comments.create', { postId: benPost.id, body: 'reply to del', parentId: delComment.id });
    const cyComment = await w.call<{ id: string }>(cy, 'comments.create', { postId: benPost.id, body: 'from cy' });
    await w.call(del, 'comments.create', { postId: benPost.id, body: 'del replies to cy', parentId: cyComment.id });
    await w.call(ben, 'comments.create', { postId: delPost.id, body: 'ben on del' });
    await w.call(del, 'graph.follow', { userId: ben.id });
    await w.call(cy, 'graph.follow', { userId: del.id });
    await w.call(cy, 'graph.follow', { userId: ben.id });
    await w.call(del, 'graph.block', { userId: cy.id });
    await w.call(ben, 'graph.mute', { userId: del.id });
    await w.call(del, 'reports.create', { target: { kind: 'post', id: benPost.id }, reason: 'spam' });
    await w.call(del, 'accounts.export');
    await settle();
    const delComments = (await db().selectFrom('comments').select('id').where('author_id', '=', del.id).execute()).map(
      (c) => c.id,
    );
    const delMedia = [pic.mediaId, avatar.mediaId];

    // Wrong password: refused, nothing happens.
    expect(await w.refusal(del, 'accounts.delete', { password: 'not the password' })).toBe('INVALID_CREDENTIALS');
    expect(await w.refusal(del, 'accounts.me', undefined, 'query')).toBeUndefined();
    const deleted = await w.call<{ deletedAt: string; purgeAfter: string }>(del, 'accounts.delete', {
      password: 'correct horse battery',
    });
    expect(Date.parse(deleted.purgeAfter) - Date.parse(deleted.deletedAt)).toBe(24 * HOUR);

    // At once: signed out everywhere, no sign-in, and gone from everyone's view.
    expect(await w.refusal(del, 'accounts.me', undefined, 'query')).toBe('UNAUTHENTICATED');
    const login = await callTrpc(t.url, 'accounts.login', {
      input: { username: del.username, password: 'correct horse battery' },
    });
    expect(login.body.error?.data.appCode).toBe('ACCOUNT_DELETED');
    const wrong = await callTrpc(t.url, 'accounts.login', {
      input: { username: del.username, password: 'wrong password!' },
    });
    expect(wrong.body.error?.data.appCode).toBe('INVALID_CREDENTIALS');
    expect(await w.refusal(ben, 'users.profile', { username: del.username }, 'query')).toBe('NOT_FOUND');
    expect(await w.refusal(ben, 'posts.get', { id: delPost.id }, 'query')).toBe('NOT_FOUND');
    const comments = await w.call<{ items: { id: string }[] }>(ben, 'comments.list', { postId: benPost.id }, 'query');
    expect(comments.items.map((c) => c.id)).not.toContain(delComment.id);
    const feed = await w.call<{ items: { id: string }[] }>(cy, 'feed.home', {}, 'query');
    expect(feed.items.map((p) => p.id)).not.toContain(delPost.id);
    expect(feed.items.map((p) => p.id)).toContain(benPost.id);

    // Before the grace period ends nothing is removed.
    expect((await t.server.background.accountPurge.run()).accountsPurged).toBe(0);
    expect(await db().selectFrom('posts').select('id').where('id', '=', delPost.id).executeTakeFirst()).toBeDefined();

    clock.advance(24 * HOUR + 1_000);
    expect((await t.server.background.accountPurge.run()).accountsPurged).toBe(1);
    await settle();

    // No row names the account, its posts, media or comments, but its tombstone and the audit log.
    const ids = [del.id, delPost.id, ...delMedia, ...delComments];
    expect(await rowsNaming(ids, ['users', 'moderation_log', 'events'])).toEqual([]);
    const tombstone = await db().selectFrom('users').selectAll().where('id', '=', del.id).executeTakeFirstOrThrow();
    expect(tombstone).toMatchObject({ username: del.username, email: '', password_hash: '', display_name: '' });
    if (t.server.db.caps.dialect === 'sqlite') {
      const { rows } = await sql<{
        n: number;
      }>`select count(*) as n from post_search where rowid = cast(${delPost.id} as integer)`.execute(db());
      expect(Number(rows[0]?.n)).toBe(0);
    }
    // No file of theirs is left in the blob store: originals, derivatives, the export.
    const keys: string[] = [];
    for await (const blob of t.server.blobs.list('')) keys.push(blob.key);
    expect(
      keys.filter((key) => delMedia.some((id) => key.includes(id)) || key.startsWith(`exports/${del.id}/`)),
    ).toEqual([]);
    expect(keys.some((key) => key.includes(benPic.mediaId))).toBe(true);

    // Everyone else's counters are what their rows say.
    expect((await recountCounters(db())).fixed).toEqual(
      expect.objectContaining({
        'users.follower_count': 0,
        'users.following_count': 0,
        'posts.like_count': 0,
        'posts.comment_count': 0,
        'comments.reply_count': 0,
      }),
    );
    const post = await db().selectFrom('posts').selectAll().where('id', '=', benPost.id).executeTakeFirstOrThrow();
    expect(post.like_count).toBe(1); // cy's
    expect(post.comment_count).toBe(1); // cy's (ben's reply went with the comment it answered)
    const cyRow = await db().selectFrom('users').selectAll().where('id', '=', cy.id).executeTakeFirstOrThrow();
    expect(cyRow.following_count).toBe(1);
    const benRow = await db().selectFrom('users').selectAll().where('id', '=', ben.id).executeTakeFirstOrThrow();
    expect(benRow.follower_count).toBe(1);
    const tag = await db().selectFrom('tags').select('post_count').where('name', '=', 'gone').executeTakeFirstOrThrow();
    expect(tag.post_count).toBe(1);

    // The username stays reserved for the hold, then is free again.
    const reuse = () =>
      callTrpc(t.url, 'accounts.register', {
        input: {
          username: del.username,
          email: `again-${del.username}@example.com`,
          password: 'correct horse battery',
        },
      });
    expect((await reuse()).body.error?.data.appCode).toBe('USERNAME_TAKEN');
    clock.advance(2 * 24 * HOUR + 1_000);
    expect((await t.server.background.accountPurge.run()).usernamesReleased).toBe(1);
    expect(await db().selectFrom('users').select('id').where('id', '=', del.id).executeTakeFirst()).toBeUndefined();
    expect((await reuse()).body.result).toBeDefined();
  });

  it('asks for the password, and cannot be undone by lifting the suspension it joins', async () => {
    const boss = await w.user('boss');
    await db().updateTable('users').set({ role: 'admin' }).where('id', '=', boss.id).execute();
    const gone = await w.user('gone');
    expect(await w.refusal(gone, 'accounts.delete', {})).toBe('VALIDATION_FAILED');
    await w.call(gone, 'accounts.delete', { password: 'correct horse battery' });
    expect(await w.refusal(boss, 'moderation.unsuspend', { userId: gone.id, reason: 'undo' })).toBe('CONFLICT');
    expect(await w.refusal(boss, 'users.profile', { userId: gone.id }, 'query')).toBe('NOT_FOUND');
  });
});
