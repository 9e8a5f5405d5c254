import { createHash } from 'node:crypto';
import type { Db } from '../../db/connect.js';
import type { Reads } from '../../db/reads.js';
import type { PostRow } from '../../db/schema.js';
import type { Clock } from '../../clock.js';
import { AppError } from '../../errors/app-error.js';
import type { Outbox } from '../../events/outbox.js';
import type { IdGenerator } from '../../ids/snowflake.js';
import type { Viewer } from '../accounts/types.js';
import type { MediaScreen } from '../media/screen.js';
import type { Page } from '../shared/pagination.js';
import { PostAccess } from '../visibility/post-access.js';
import type { HydrateDeps } from './hydrate.js';
import { profileGrid, singlePost } from './lists.js';
import type { PostList } from './pipeline.js';
import type { ByUserInput, CreatePostInput, UpdatePostInput } from './schemas.js';
import { NOT_SENSITIVE, SENSITIVE_BY_AUTHOR, SENSITIVE_BY_MODERATOR } from './sensitive.js';
import type { PostView } from './types.js';
import type { WordFilters } from '../word-filters/service.js';

/** An idempotency key answers with the first post for this long (Stripe's window). */
const IDEMPOTENCY_WINDOW_MS = 24 * 3_600_000;

export interface PostsServiceDeps extends Omit<HydrateDeps, 'db'> {
  db: Db;
  /** Where `get` and `byUser` read: the replica when it fits the viewer, else the primary. */
  reads: Reads;
  ids: IdGenerator;
  clock: Clock;
  /** Called after a delete so cleanup runs soon (it also runs periodically). */
  onPostDeleted: () => void;
  /** Posts are written through it, with the events fan-out, tags and notifications react to. */
  outbox: Outbox;
  /** Captions are screened: a `reject` term refuses the write, a `hold` term holds the post. */
  words: Pick<WordFilters, 'screen' | 'recordHold'>;
  /** The content rules: media blocked after it was processed cannot be posted (default: none). */
  screen?: MediaScreen;
}

export class PostsService {
  private readonly single: PostList<string>;
  private readonly grid: PostList<ByUserInput>;

  constructor(private readonly deps: PostsServiceDeps) {
    const hydrate = { urls: deps.urls, avatarUrls: deps.avatarUrls };
    this.single = singlePost(hydrate);
    this.grid = profileGrid(hydrate);
  }

  /**
   * Media blocked after it was processed cannot be posted again. Asked before the transaction
   * (the screen reads on its own connection, which SQLite's single one would make wait for it). An
   * entry added in the moment between does not stop this post; adding that entry again hides it.
   */
  private async refuseBlocked(viewer: Viewer, mediaIds: readonly string[]): Promise<void> {
    if (!this.deps.screen) return;
    const rows = await this.deps.db.kysely
      .selectFrom('media')
      .select('perceptual_hash')
      .where('id', 'in', mediaIds)
      .where('owner_id', '=', viewer.userId)
      .execute();
    if (await this.deps.screen.blocksAny(rows.map((row) => row.perceptual_hash))) throw new AppError('MEDIA_BLOCKED');
  }

  /**
   * Publish a post of 1–10 of the author's ready photos. With an idempotency key, a retry (even
   * 20 concurrent ones) yields the first post; the same key with other parameters is a CONFLICT.
   */
  async create(viewer: Viewer, input: CreatePostInput): Promise<PostView> {
    const requestHash = createHash('sha256')
      .update(
        JSON.stringify([
          input.mediaIds,
          input.caption,
          input.location ?? null,
          input.visibility,
          // Only when set, so keys taken before posts could be sensitive keep their hashes.
          ...(input.sensitive ? [true] : []),
        ]),
      )
      .digest('hex');
    if (input.idempotencyKey) {
      const earlier = await this.replay(viewer, input.idempotencyKey, requestHash);
      if (earlier) return earlier;
    }
    const { db, ids, clock, outbox, words } = this.deps;
    await this.refuseBlocked(viewer, input.mediaIds);
    const hold = await words.screen(input.caption);
    const now = clock.now().toISOString();
    const postId = ids.next();
    try {
      await outbox.write(async (trx, emit) => {
        if (input.idempotencyKey) {
          const cutoff = new Date(clock.now().getTime() - IDEMPOTENCY_WINDOW_MS).toISOString();
          await trx
            .deleteFrom('idempotency_keys')
            .where('user_id', '=', viewer.userId)
            .where('idem_key', '=', input.idempotencyKey)
            .where('created_at', '<', cutoff)
            .execute();
          // Claimed first, so a concurrent retry fails here (unique key) before writing a post.
          await trx
            .insertInto('idempotency_keys')
            .values({
              user_id: viewer.userId,
              idem_key: input.idempotencyKey,
              request_hash: requestHash,
              post_id: postId,
              created_at: now,
            })
            .execute();
        }
        const media = await trx
          .selectFrom('media')
          .select(['id', 'owner_id', 'status'])
          .where('id', 'in', input.mediaIds)
          .execute();
        for (const mediaId of input.mediaIds) {
          const row = media.find((m) => m.id === mediaId);
          if (!row || row.owner_id !== viewer.userId) throw new AppError('NOT_FOUND', `No such media: ${mediaId}.`);
          if (row.status !== 'ready') throw new AppError('MEDIA_NOT_READY', `Media ${mediaId} is still ${row.status}.`);
        }
        await trx
          .insertInto('posts')
          .values({
            id: postId,
            author_id: viewer.userId,
            caption: input.caption,
            location_name: input.location?.name ?? null,
            location_lat: input.location?.lat ?? null,
            location_lng: input.location?.lng ?? null,
            visibility: input.visibility,
            created_at: now,
            updated_at: now,
            deleted_at: null,
            hidden_at: null,
            held_at: hold ? now : null,
            cleaned_at: null,
            sensitive: input.sensitive ? SENSITIVE_BY_AUTHOR : NOT_SENSITIVE,
          })
          .execute();
        await trx
          .insertInto('post_media')
          .values(input.mediaIds.map((mediaId, position) => ({ post_id: postId, media_id: mediaId, position })))
          .execute();
        await trx
          .updateTable('media')
          .set({ attached_at: now, updated_at: now })
          .where('id', 'in', input.mediaIds)
          .execute();
        await trx
          .updateTable('users')
          .set((eb) => ({ post_count: eb('post_count', '+', 1) }))
          .where('id', '=', viewer.userId)
          .execute();
        // A held post is announced (fan-out, hashtags, mentions) when a moderator releases it.
        if (hold)
          await words.recordHold(trx, {
            subject: 'post',
            postId,
            commentId: null,
            authorId: viewer.userId,
            rule: hold,
          });
        else await emit({ type: 'post.created', postId, authorId: viewer.userId });
      });
    } catch (error) {
      // Another request with this key won the race; answer with its post.
      if (input.idempotencyKey && db.caps.isUniqueViolation(error)?.columns.includes('idem_key')) {
        const earlier = await this.replay(viewer, input.idempotencyKey, requestHash);
        if (earlier) return earlier;
      }
      throw error;
    }
    // Read back what this call wrote: from the primary, whatever the replica has replayed.
    return this.get({ ...viewer, writing: true }, postId);
  }

  /** A post, if the viewer may see it; NOT_FOUND otherwise, exactly like a missing one. */
  async get(viewer: Viewer | null, id: string): Promise<PostView> {
    const viewerId = viewer?.userId ?? null;
    const [view] = (await this.deps.reads.run(viewer, (db) => this.single({ db, viewerId }, id))).items;
    if (!view) throw notFound();
    return view;
  }

  /** A profile grid: the author's posts the viewer may see, newest first. */
  byUser(viewer: Viewer | null, input: ByUserInput): Promise<Page<PostView>> {
    return this.deps.reads.run(viewer, (db) => this.grid({ db, viewerId: viewer?.userId ?? null }, input));
  }

  async update(viewer: Viewer, input: UpdatePostInput): Promise<PostView> {
    const before = await this.authorsPost(viewer, input.id);
    // A moderator's mark stays until a moderator lifts it (`moderation.unmarkSensitive`).
    if (input.sensitive === false && before.sensitive === SENSITIVE_BY_MODERATOR) {
      throw new AppError('FORBIDDEN', 'A moderator marked this post sensitive; only a moderator can lift that.');
    }
    const { clock, outbox, words } = this.deps;
    const hold = input.caption === undefined ? undefined : await words.screen(input.caption);
    const now = clock.now().toISOString();
    await outbox.write(async (trx, emit) => {
      await trx
        .updateTable('posts')
        .set({
          ...(input.caption !== undefined ? { caption: input.caption } : {}),
          ...(input.location !== undefined
            ? {
                location_name: input.location?.name ?? null,
                location_lat: input.location?.lat ?? null,
                location_lng: input.location?.lng ?? null,
              }
            : {}),
          ...(input.visibility !== undefined ? { visibility: input.visibility } : {}),
          ...(input.commentsEnabled !== undefined ? { comments_enabled: input.commentsEnabled ? 1 : 0 } : {}),
          ...(hold ? { held_at: before.held_at ?? now } : {}),
          ...(input.sensitive !== undefined && before.sensitive !== SENSITIVE_BY_MODERATOR
            ? { sensitive: input.sensitive ? SENSITIVE_BY_AUTHOR : NOT_SENSITIVE }
            : {}),
          updated_at: now,
        })
        .where('id', '=', input.id)
        .execute();
      if (hold) {
        // Shown to its author only from now on; the update is announced when it is released.
        await words.recordHold(trx, {
          subject: 'caption',
          postId: input.id,
          commentId: null,
          authorId: viewer.userId,
          rule: hold,
        });
        return;
      }
      await emit({
        type: 'post.updated',
        postId: input.id,
        authorId: viewer.userId,
        visibilityChanged: input.visibility !== undefined && input.visibility !== before.visibility,
        captionChanged: input.caption !== undefined && input.caption !== before.caption,
      });
    });
    return this.get({ ...viewer, writing: true }, input.id);
  }

  /**
   * Soft delete: gone from every read at once. Likes, comments and media are cleaned up after,
   * asynchronously (`PostCleanup`). Deleting a deleted post succeeds (idempotent).
   */
  async delete(viewer: Viewer, id: string): Promise<{ ok: true }> {
    const { db, clock, outbox } = this.deps;
    const post = await db.kysely.selectFrom('posts').selectAll().where('id', '=', id).executeTakeFirst();
    if (post && post.author_id === viewer.userId && post.deleted_at !== null) return { ok: true };
    await this.authorsPost(viewer, id);
    await outbox.write(async (trx, emit) => {
      const result = await trx
        .updateTable('posts')
        .set({ deleted_at: clock.now().toISOString() })
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      if (result.numUpdatedRows === 1n) {
        await trx
          .updateTable('users')
          .set((eb) => ({ post_count: eb('post_count', '-', 1) }))
          .where('id', '=', viewer.userId)
          .execute();
        await emit({ type: 'post.deleted', postId: id, authorId: viewer.userId });
      }
    });
    this.deps.onPostDeleted();
    return { ok: true };
  }

  private async replay(viewer: Viewer, key: string, requestHash: string): Promise<PostView | undefined> {
    const { db, clock } = this.deps;
    const cutoff = new Date(clock.now().getTime() - IDEMPOTENCY_WINDOW_MS).toISOString();
    const earlier = await db.kysely
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('user_id', '=', viewer.userId)
      .where('idem_key', '=', key)
      .where('created_at', '>=', cutoff)
      .executeTakeFirst();
    if (!earlier) return undefined;
    if (earlier.request_hash !== requestHash) {
      throw new AppError('CONFLICT', 'This idempotency key was used with different parameters.');
    }
    return this.get({ ...viewer, writing: true }, earlier.post_id);
  }

  /** The post, if the viewer wrote it: NOT_FOUND if they cannot see it, FORBIDDEN if they can but did not write it. */
  private async authorsPost(viewer: Viewer, id: string): Promise<PostRow> {
    const post = await this.deps.db.kysely.selectFrom('posts').selectAll().where('id', '=', id).executeTakeFirst();
    if (!post) throw notFound();
    if (post.author_id === viewer.userId && post.deleted_at === null) return post;
    const access = await PostAccess.load(this.deps.db.kysely, viewer.userId, [post.author_id]);
    if (!access.canView(post)) throw notFound();
    throw new AppError('FORBIDDEN', 'Only the author can change this post.');
  }
}

function notFound(): AppError {
  return new AppError('NOT_FOUND', 'No such post.');
}
