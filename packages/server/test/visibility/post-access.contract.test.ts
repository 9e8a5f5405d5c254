import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { Db } from '../../src/db/index.js';
import { PostAccess } from '../../src/modules/visibility/post-access.js';
import { userRow } from '../db/fixtures.js';
import { DIALECTS } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';

const NOW = '2026-01-01T00:00:00.000Z';
const post = (id: string, authorId: string, visibility: 'public' | 'followers') => ({
  id,
  author_id: authorId,
  visibility,
  deleted_at: null,
  hidden_at: null,
  held_at: null,
});

// The access check the feeds use (`forPosts`) loads follows only where the policy reads them; these
// pin that it still answers exactly as the full check does.
describe.each(DIALECTS)('PostAccess on $name', (dialect) => {
  let t: TestDatabase;
  let db: Db;
  // 1 views; 2 public, followed; 3 public, not followed; 4 private, followed; 5 private, not
  // followed; 6 public, blocked by 1; 7 public, muted by 1; 8 public, has blocked 1.
  beforeEach(async () => {
    t = await dialect.create();
    db = t.db;
    for (const [id, name, isPrivate] of [
      ['1', 'viewer', 0],
      ['2', 'followed', 0],
      ['3', 'stranger', 0],
      ['4', 'privfollowed', 1],
      ['5', 'privstranger', 1],
      ['6', 'blocked', 0],
      ['7', 'muted', 0],
      ['8', 'blocker', 0],
    ] as const) {
      await db.kysely
        .insertInto('users')
        .values(userRow(id, name, { is_private: isPrivate }))
        .execute();
    }
    const follow = (id: string, followee: string, state: 'active' | 'pending') => ({
      id,
      follower_id: '1',
      followee_id: followee,
      state,
      created_at: NOW,
      updated_at: NOW,
    });
    await db.kysely
      .insertInto('follows')
      .values([follow('101', '2', 'active'), follow('102', '4', 'active'), follow('103', '5', 'pending')])
      .execute();
    await db.kysely
      .insertInto('blocks')
      .values([
        { blocker_id: '1', blocked_id: '6', created_at: NOW },
        { blocker_id: '8', blocked_id: '1', created_at: NOW },
      ])
      .execute();
    await db.kysely.insertInto('mutes').values({ muter_id: '1', muted_id: '7', created_at: NOW }).execute();
  });
  afterEach(async () => {
    await t.cleanup();
  });

  const posts = [
    post('10', '2', 'public'),
    post('11', '2', 'followers'),
    post('12', '3', 'public'),
    post('13', '3', 'followers'),
    post('14', '4', 'public'),
    post('15', '5', 'public'),
    post('16', '6', 'public'),
    post('17', '7', 'public'),
    post('18', '8', 'public'),
    post('19', '1', 'followers'),
  ];
  const visible = ['10', '11', '12', '14', '17', '19'];

  it('forPosts lets through exactly what the full check lets through', async () => {
    const full = await PostAccess.load(
      db.kysely,
      '1',
      posts.map((p) => p.author_id),
    );
    const lean = await PostAccess.forPosts(db.kysely, '1', posts);
    expect(posts.filter((p) => full.canView(p)).map((p) => p.id)).toEqual(visible);
    expect(posts.filter((p) => lean.canView(p)).map((p) => p.id)).toEqual(visible);
    expect(['6', '8'].every((id) => lean.isBlocked(id))).toBe(true);
    expect(lean.isMuted('7')).toBe(true);
    expect(lean.isMuted('2')).toBe(false);
  });

  it('refuses to guess a follow it did not load', async () => {
    const lean = await PostAccess.forPosts(db.kysely, '1', [post('10', '2', 'public'), post('13', '3', 'followers')]);
    expect(lean.relation('3')).toEqual({ followsAuthor: false, blocked: false });
    expect(() => lean.relation('2')).toThrow(/not loaded/);
  });

  it('lets a signed-out viewer see only public posts by public accounts', async () => {
    const anonymous = await PostAccess.forPosts(db.kysely, null, posts);
    expect(posts.filter((p) => anonymous.canView(p)).map((p) => p.id)).toEqual(['10', '12', '16', '17', '18']);
  });
});
