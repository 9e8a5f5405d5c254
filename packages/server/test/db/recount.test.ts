import { afterEach, describe, expect, it } from 'vitest';
import { recountCounters } from '../../src/modules/admin/recount.js';
import { DIALECTS, type TestDatabase } from '../support/databases.js';
import { userRow } from './fixtures.js';

const now = '2026-01-01T00:00:00.000Z';

describe.each(DIALECTS)('admin recount on $name', (dialect) => {
  let t: TestDatabase | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  it('finds and fixes every drifted counter, and nothing on a second run', async () => {
    t = await dialect.create();
    const db = t.db.kysely;
    await db
      .insertInto('users')
      .values([userRow('1', 'ann'), userRow('2', 'bob'), userRow('3', 'cat')])
      .execute();
    await db
      .insertInto('follows')
      .values([
        { id: '10', follower_id: '2', followee_id: '1', state: 'active', created_at: now, updated_at: now },
        { id: '11', follower_id: '3', followee_id: '1', state: 'pending', created_at: now, updated_at: now },
      ])
      .execute();
    const post = {
      author_id: '1',
      caption: '',
      location_name: null,
      location_lat: null,
      location_lng: null,
      created_at: now,
      updated_at: now,
      hidden_at: null,
      cleaned_at: null,
    };
    await db
      .insertInto('posts')
      .values([
        { ...post, id: '20', visibility: 'public', deleted_at: null, like_count: 7 },
        { ...post, id: '21', visibility: 'public', deleted_at: now, like_count: 0 },
      ])
      .execute();
    await db
      .insertInto('likes')
      .values({ id: '30', post_id: '20', user_id: '2', reaction: 'like', created_at: now })
      .execute();
    await db
      .insertInto('comments')
      .values([
        { id: '40', post_id: '20', author_id: '2', parent_id: null, body: 'hi', created_at: now, deleted_at: null },
        { id: '41', post_id: '20', author_id: '1', parent_id: '40', body: 'hey', created_at: now, deleted_at: null },
        { id: '42', post_id: '20', author_id: '3', parent_id: '40', body: 'gone', created_at: now, deleted_at: now },
      ])
      .execute();

    const first = await recountCounters(db);
    expect(first.fixed).toEqual({
      'users.follower_count': 1, // ann: 1 active follower (the pending request does not count)
      'users.following_count': 1, // bob follows ann
      'users.post_count': 1, // ann: 1 live post
      'posts.like_count': 1, // 20: 7 → 1
      'posts.comment_count': 1, // 20: 0 → 2 (the deleted reply does not count)
      'comments.reply_count': 1, // 40: 0 → 1
    });
    const users = await db
      .selectFrom('users')
      .select(['id', 'follower_count', 'following_count', 'post_count'])
      .orderBy('id')
      .execute();
    expect(users).toEqual([
      { id: '1', follower_count: 1, following_count: 0, post_count: 1 },
      { id: '2', follower_count: 0, following_count: 1, post_count: 0 },
      { id: '3', follower_count: 0, following_count: 0, post_count: 0 },
    ]);
    const second = await recountCounters(db);
    expect(Object.values(second.fixed).every((n) => n === 0)).toBe(true);
  });
});
