import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connect.js';
import type { Database } from '../../db/schema.js';
import type { IdGenerator } from '../../ids/snowflake.js';
import type { TextIndex } from '../posts/text-index.js';
import type { TagCounter } from './counter.js';
import { extractHashtags } from './extract.js';

export interface TagSyncDeps {
  db: Db;
  ids: IdGenerator;
  clock: Clock;
  textIndex: TextIndex;
  counter: TagCounter;
}

/**
 * Makes a post's tag rows and search document match the post as it is now: replaced wholesale,
 * so running it twice (a replayed event) or out of order changes nothing. A deleted or missing post
 * loses both.
 */
export async function syncPostTags(deps: TagSyncDeps, postId: string): Promise<void> {
  const deltas = await deps.db.kysely.transaction().execute(async (trx) => {
    // Two workers syncing one post (created and updated events in flight together) take turns.
    if (deps.db.caps.supportsRowLocks) {
      await trx.selectFrom('posts').select('id').where('id', '=', postId).forUpdate().execute();
    }
    const post = await trx
      .selectFrom('posts')
      .innerJoin('users', 'users.id', 'posts.author_id')
      .select([
        'posts.id',
        'posts.author_id',
        'posts.caption',
        'posts.visibility',
        'posts.created_at',
        'posts.deleted_at',
        'users.is_private',
      ])
      .where('posts.id', '=', postId)
      .executeTakeFirst();
    const before = await trx
      .selectFrom('post_tags')
      .select(['tag_id', 'is_public'])
      .where('post_id', '=', postId)
      .execute();
    await trx.deleteFrom('post_tags').where('post_id', '=', postId).execute();

    let after: { tag_id: string; is_public: number }[] = [];
    if (!post || post.deleted_at !== null) {
      await deps.textIndex.remove(trx, postId);
    } else {
      const isPublic = post.visibility === 'public' && post.is_private === 0 ? 1 : 0;
      const tagIds = await ensureTags(trx, deps, extractHashtags(post.caption));
      after = tagIds.map((tagId) => ({ tag_id: tagId, is_public: isPublic }));
      if (after.length > 0) {
        // At most MAX_TAGS_PER_POST rows of five values: one statement, far below any bind limit.
        await trx
          .insertInto('post_tags')
          .values(
            after.map((row) => ({
              post_id: postId,
              tag_id: row.tag_id,
              author_id: post.author_id,
              created_at: post.created_at,
              is_public: row.is_public,
            })),
          )
          .execute();
      }
      await deps.textIndex.put(trx, postId, post.caption);
    }
    return publicDeltas(before, after);
  });
  for (const [tagId, delta] of deltas) deps.counter.add(tagId, delta);
}

/**
 * Re-derives the public flag of every tag row of an author's posts after the account went private
 * or public: the flag is what `post_tags_public_idx` and the public post counts go by. Reads
 * never trust it alone (they re-check the post and its author as they are), so until this runs a
 * newly private account's posts are hidden anyway; a newly public account's posts join hashtag
 * pages once it has. Idempotent: rows already right are not touched, and the counts move by the
 * rows actually changed.
 */
export async function syncAuthorPrivacy(deps: TagSyncDeps, userId: string): Promise<void> {
  const changed = await deps.db.kysely.transaction().execute(async (trx) => {
    const user = await trx.selectFrom('users').select('is_private').where('id', '=', userId).executeTakeFirst();
    if (!user) return [];
    const postsOf = (visibility: 'public' | 'any') =>
      trx
        .selectFrom('posts')
        .select('id')
        .where('author_id', '=', userId)
        .$if(visibility === 'public', (qb) => qb.where('visibility', '=', 'public'));
    if (user.is_private === 1) {
      const rows = await trx
        .updateTable('post_tags')
        .set({ is_public: 0 })
        .where('post_id', 'in', postsOf('any'))
        .where('is_public', '=', 1)
        .returning('tag_id')
        .execute();
      return rows.map((row) => ({ tagId: row.tag_id, delta: -1 }));
    }
    const rows = await trx
      .updateTable('post_tags')
      .set({ is_public: 1 })
      .where('post_id', 'in', postsOf('public'))
      .where('is_public', '=', 0)
      .returning('tag_id')
      .execute();
    return rows.map((row) => ({ tagId: row.tag_id, delta: 1 }));
  });
  for (const { tagId, delta } of changed) deps.counter.add(tagId, delta);
}

/** Ids of the named tags, creating the missing ones in one batched insert. */
async function ensureTags(db: Kysely<Database>, deps: TagSyncDeps, names: string[]): Promise<string[]> {
  if (names.length === 0) return [];
  const now = deps.clock.now().toISOString();
  await db
    .insertInto('tags')
    .values(names.map((name) => ({ id: deps.ids.next(), name, created_at: now })))
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const rows = await db.selectFrom('tags').select(['id', 'name']).where('name', 'in', names).execute();
  const idByName = new Map(rows.map((r) => [r.name, r.id]));
  return names.flatMap((name) => {
    const id = idByName.get(name);
    return id === undefined ? [] : [id];
  });
}

function publicDeltas(
  before: { tag_id: string; is_public: number }[],
  after: { tag_id: string; is_public: number }[],
): Map<string, number> {
  const deltas = new Map<string, number>();
  for (const row of before) if (row.is_public === 1) deltas.set(row.tag_id, (deltas.get(row.tag_id) ?? 0) - 1);
  for (const row of after) if (row.is_public === 1) deltas.set(row.tag_id, (deltas.get(row.tag_id) ?? 0) + 1);
  return deltas;
}
