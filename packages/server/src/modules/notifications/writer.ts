import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.js';
import type { Database, PostRow } from '../../db/schema.js';
import type { Wakeups } from '../../db/wakeups.js';
import type { IdGenerator } from '../../ids/snowflake.js';
import { PostAccess } from '../visibility/post-access.js';
import type { NotificationBus } from './bus.js';
import type { NotificationKind } from './types.js';

export interface WriterDeps {
  db: Kysely<Database>;
  /**
   * Makes the recipient's writers take turns until their transaction ends (an advisory lock on
   * Postgres; nothing on SQLite, whose single writer already does): see `nextSeq`.
   */
  lockRecipient(trx: Kysely<Database>, recipientId: string): Promise<void>;
  ids: IdGenerator;
  clock: Clock;
  /** This process's live streams. */
  bus: NotificationBus;
  /** Other processes' live streams: a `notifications` wake-up naming the recipient, sent on commit. */
  wakeups: Wakeups;
}

export interface NotificationDraft {
  recipientId: string;
  kind: NotificationKind;
  subjectKey: string;
  actorId: string;
  post?: PostRow | undefined;
  commentId?: string | undefined;
  actorCount?: number | undefined;
  /** The moderator's reason (moderation kinds only). */
  note?: string | undefined;
  /**
   * Sent by moderation: to the author about their own content, so the "never to yourself" and
   * "only about posts they may see" checks do not apply (a hidden post stays visible to its author).
   */
  fromModeration?: boolean;
}

/**
 * Writes notification rows. Every write is keyed by (recipient, kind, subject), so handling an
 * event twice writes nothing new; nothing is written to yourself, across a block, or about a post
 * the recipient may not see.
 */
export class NotificationWriter {
  constructor(private readonly deps: WriterDeps) {}

  async mayNotify(recipientId: string, actorId: string, post?: PostRow): Promise<boolean> {
    if (recipientId === actorId) return false;
    const authors = post ? [actorId, post.author_id] : [actorId];
    const access = await PostAccess.load(this.deps.db, recipientId, authors);
    if (access.isBlocked(actorId)) return false;
    return post ? access.canView(post) : true;
  }

  /** Inserts the row unless it exists; wakes the recipient's live streams when it did. */
  async insertOnce(draft: NotificationDraft): Promise<boolean> {
    if (!draft.fromModeration && !(await this.mayNotify(draft.recipientId, draft.actorId, draft.post))) return false;
    const { db, wakeups } = this.deps;
    const now = this.deps.clock.now().toISOString();
    const inserted = await db.transaction().execute(async (trx) => {
      const result = await trx
        .insertInto('notifications')
        .values({
          id: this.deps.ids.next(),
          recipient_id: draft.recipientId,
          kind: draft.kind,
          subject_key: draft.subjectKey,
          actor_id: draft.actorId,
          post_id: draft.post?.id ?? null,
          comment_id: draft.commentId ?? null,
          actor_count: draft.actorCount ?? 1,
          note: draft.note ?? null,
          seq_id: await this.nextSeq(trx, draft.recipientId),
          read_at: null,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.columns(['recipient_id', 'kind', 'subject_key']).doNothing())
        .executeTakeFirst();
      const wrote = Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
      if (wrote) await wakeups.notify(trx, 'notifications', draft.recipientId);
      return wrote;
    });
    if (inserted) this.deps.bus.publish(draft.recipientId);
    return inserted;
  }

  /**
   * The one like row of (author, post): its latest liker and count are recomputed from the likes
   * table, so a replayed event changes nothing, and the row moves up (unread) only when they change.
   */
  async syncLikes(post: PostRow): Promise<void> {
    const { db } = this.deps;
    const authorId = post.author_id;
    const likers = db.selectFrom('likes').where('likes.post_id', '=', post.id);
    const notBlocked = (qb: typeof likers) =>
      qb.where('likes.user_id', '!=', authorId).where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('blocks')
              .select('blocks.blocker_id')
              .where((b) =>
                b.or([
                  b.and([b('blocks.blocker_id', '=', authorId), b('blocks.blocked_id', '=', b.ref('likes.user_id'))]),
                  b.and([b('blocks.blocked_id', '=', authorId), b('blocks.blocker_id', '=', b.ref('likes.user_id'))]),
                ]),
              ),
          ),
        ),
      );
    const latest = await notBlocked(likers)
      .select('likes.user_id')
      .orderBy('likes.id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!latest) return;
    const counted = await notBlocked(likers)
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirst();
    const count = Number(counted?.n ?? 0);
    const existing = await db
      .selectFrom('notifications')
      .select(['id', 'actor_id', 'actor_count'])
      .where('recipient_id', '=', authorId)
      .where('kind', '=', 'like')
      .where('subject_key', '=', post.id)
      .executeTakeFirst();
    if (!existing) {
      const draft = { recipientId: authorId, kind: 'like' as const, subjectKey: post.id, actorId: latest.user_id };
      await this.insertOnce({ ...draft, post, actorCount: count });
      return;
    }
    if (existing.actor_id === latest.user_id && existing.actor_count === count) return;
    const grew = count > existing.actor_count;
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('notifications')
        .set({
          actor_id: latest.user_id,
          actor_count: count,
          // Only a new like brings the row back up as unread; an unlike just corrects it.
          ...(grew
            ? {
                seq_id: await this.nextSeq(trx, authorId),
                read_at: null,
                updated_at: this.deps.clock.now().toISOString(),
              }
            : {}),
        })
        .where('id', '=', existing.id)
        .execute();
      if (grew) await this.deps.wakeups.notify(trx, 'notifications', authorId);
    });
    if (grew) this.deps.bus.publish(authorId);
  }

  /**
   * The recipient's next stream position (`seq_id`, the SSE event id). A live stream reads the
   * rows past the last position it delivered, so a row must never commit with a position below
   * one a stream may already have read. Ids minted before commit do not guarantee that: two
   * processes (or two transactions of one) commit in either order, and another host's clock may
   * be behind. So the recipient's writers take turns until commit, and each takes a position above
   * every committed one: the snowflake id, or the highest position plus one when that is not above.
   */
  private async nextSeq(trx: Kysely<Database>, recipientId: string): Promise<string> {
    await this.deps.lockRecipient(trx, recipientId);
    const last = await trx
      .selectFrom('notifications')
      .select('seq_id')
      .where('recipient_id', '=', recipientId)
      .orderBy('seq_id', 'desc')
      .limit(1)
      .executeTakeFirst();
    const minted = this.deps.ids.next();
    return last !== undefined && BigInt(last.seq_id) >= BigInt(minted) ? (BigInt(last.seq_id) + 1n).toString() : minted;
  }
}
