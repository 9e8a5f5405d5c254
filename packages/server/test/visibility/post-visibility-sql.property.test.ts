import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Db } from '../../src/db/index.js';
import { PostAccess } from '../../src/modules/visibility/post-access.js';
import { mayViewPost } from '../../src/modules/visibility/post-policy.js';
import { postVisibleTo } from '../../src/modules/visibility/post-visibility-sql.js';
import { userRow } from '../db/fixtures.js';
import { DIALECTS, type TestDatabase } from '../support/databases.js';
import { insertEdges } from '../support/graph-rows.js';

/**
 * Search filters its pages in SQL with `postVisibleTo`, a restatement of the post policy. In random
 * graphs — private and public accounts, active follows and pending requests, blocks either way,
 * mutes, suspended authors, public and followers-only posts, deleted, hidden and held ones — the SQL condition must pick, for
 * every viewer (signed out too) and every post, exactly what the policy decides. Should the two
 * drift, search would show a post the policy hides, or leave out one it shows.
 */

interface Graph {
  users: { private: boolean; suspended: boolean }[];
  follows: { from: number; to: number; pending: boolean }[];
  blocks: { from: number; to: number }[];
  mutes: { from: number; to: number }[];
  posts: { author: number; followersOnly: boolean; deleted: boolean; hidden: boolean; held: boolean }[];
}

const graphArb: fc.Arbitrary<Graph> = fc
  .integer({ min: 2, max: 5 })
  .chain((n) => {
    const user = fc.integer({ min: 0, max: n - 1 });
    const pair = fc.record({ from: user, to: user });
    const key = (p: { from: number; to: number }) => `${p.from}>${p.to}`;
    return fc.record({
      users: fc.array(
        // Suspension is rare too: most worlds have one or none.
        fc.record({ private: fc.boolean(), suspended: fc.integer({ min: 0, max: 4 }).map((k) => k === 0) }),
        { minLength: n, maxLength: n },
      ),
      follows: fc.uniqueArray(fc.record({ from: user, to: user, pending: fc.boolean() }), {
        maxLength: n * 3,
        selector: key,
      }),
      blocks: fc.uniqueArray(pair, { maxLength: 3, selector: key }),
      mutes: fc.uniqueArray(pair, { maxLength: 3, selector: key }),
      posts: fc.array(
        fc.record({
          author: user,
          followersOnly: fc.boolean(),
          deleted: fc.boolean(),
          // Moderation hides rarely; often enough to be tried in most runs.
          hidden: fc.integer({ min: 0, max: 4 }).map((k) => k === 0),
          held: fc.integer({ min: 0, max: 4 }).map((k) => k === 0),
        }),
        { minLength: 1, maxLength: 8 },
      ),
    });
  })
  .map((g) => ({
    ...g,
    follows: g.follows.filter((f) => f.from !== f.to),
    blocks: g.blocks.filter((b) => b.from !== b.to),
    mutes: g.mutes.filter((m) => m.from !== m.to),
  }));

describe.each(DIALECTS)('search’s SQL prefilter against the post policy on $name', (dialect) => {
  let t: TestDatabase;
  let db: Db;
  let run = 0;

  beforeAll(async () => {
    t = await dialect.create();
    db = t.db;
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  /** Writes the graph with ids of its own (worlds accumulate in one database). */
  async function write(graph: Graph) {
    run += 1;
    const base = 1_000_000n + BigInt(run) * 1_000n;
    const id = (offset: number) => String(base + BigInt(offset));
    const now = '2026-01-01T00:00:00.000Z';
    const userIds = graph.users.map((_, i) => id(i));
    await db.kysely
      .insertInto('users')
      .values(
        graph.users.map((u, i) =>
          userRow(userIds[i]!, `r${run}u${i}`, {
            is_private: u.private ? 1 : 0,
            suspended_at: u.suspended ? now : null,
          }),
        ),
      )
      .execute();
    await insertEdges(db.kysely, userIds, graph, { followId: (i) => id(100 + i), now });
    const postIds = graph.posts.map((_, i) => id(200 + i));
    await db.kysely
      .insertInto('posts')
      .values(
        graph.posts.map((p, i) => ({
          id: postIds[i]!,
          author_id: userIds[p.author]!,
          caption: '',
          location_name: null,
          location_lat: null,
          location_lng: null,
          visibility: p.followersOnly ? ('followers' as const) : ('public' as const),
          created_at: now,
          updated_at: now,
          deleted_at: p.deleted ? now : null,
          hidden_at: p.hidden ? now : null,
          held_at: p.held ? now : null,
          cleaned_at: null,
        })),
      )
      .execute();
    return { userIds, postIds };
  }

  it('admits exactly the posts the policy lets each viewer see', async () => {
    let shown = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(graphArb, async (graph) => {
        const { userIds, postIds } = await write(graph);
        const rows = await db.kysely.selectFrom('posts').selectAll().where('id', 'in', postIds).execute();
        for (const viewerId of [null, ...userIds]) {
          const bySql = await db.kysely
            .selectFrom('posts')
            .innerJoin('users as author', 'author.id', 'posts.author_id')
            .select('posts.id')
            .where('posts.id', 'in', postIds)
            .where(postVisibleTo(viewerId, { post: 'posts', author: 'author' }))
            .execute();
          const sqlSees = new Set(bySql.map((r) => String(r.id)));
          const access = await PostAccess.load(
            db.kysely,
            viewerId,
            rows.map((r) => r.author_id),
          );
          for (const [p, post] of graph.posts.entries()) {
            const row = rows.find((r) => r.id === postIds[p])!;
            const policy = access.canView(row);
            const who = `viewer ${viewerId ?? 'signed out'} / post ${p} in ${JSON.stringify(graph)}`;
            expect(sqlSees.has(postIds[p]!), who).toBe(policy);
            // The policy's facts as the graph states them, so neither side can agree by misreading the database.
            const viewer = viewerId === null ? null : userIds.indexOf(viewerId);
            const follows = graph.follows.some((f) => f.from === viewer && f.to === post.author && !f.pending);
            const blocked = graph.blocks.some(
              (b) => (b.from === viewer && b.to === post.author) || (b.from === post.author && b.to === viewer),
            );
            const stated = mayViewPost(
              viewerId,
              {
                authorId: userIds[post.author]!,
                visibility: post.followersOnly ? 'followers' : 'public',
                deleted: post.deleted,
                hidden: post.hidden,
                held: post.held,
                authorIsPrivate: graph.users[post.author]!.private,
                authorSuspended: graph.users[post.author]!.suspended,
              },
              { followsAuthor: follows, blocked },
            );
            expect(policy, who).toBe(stated);
            if (policy) shown += 1;
            else refused += 1;
          }
        }
      }),
      { numRuns: 60 },
    );
    // Both answers were tried many times: the property was not vacuous.
    expect(shown).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(50);
  });
});
