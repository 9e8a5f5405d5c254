import type { Transaction } from 'kysely';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connect.js';
import type { Database, UserRow } from '../../db/schema.js';
import type { Wakeups } from '../../db/wakeups.js';
import { AppError } from '../../errors/app-error.js';
import type { Emit, Outbox } from '../../events/outbox.js';
import type { IdGenerator } from '../../ids/snowflake.js';
import type { UserRole as Role, Viewer } from '../accounts/types.js';
import { NOT_SENSITIVE, SENSITIVE_BY_MODERATOR } from '../posts/sensitive.js';
import { releaseHold } from '../word-filters/holds.js';
import type {
  AccountActionInput,
  ContentActionInput,
  DismissInput,
  ReleaseHoldInput,
  SetRoleInput,
} from './schemas.js';
import type { ModerationAction, ReportTarget } from './types.js';

export interface ModerationActionsDeps {
  db: Db;
  ids: IdGenerator;
  clock: Clock;
  /** Moderation writes go through it: the affected user is told by the `moderation.acted` event. */
  outbox: Outbox;
  /** How other processes hear that a suspended user's sessions ended (their live streams close). */
  wakeups: Wakeups;
  /** Told of each session a suspension revoked, after the commit (this process's live streams). */
  onSessionEnded?: (sessionId: string) => void;
}

/** What one action did: its audit log row and how many open reports it resolved. */
export interface Acted {
  target: ReportTarget;
  logId: string;
  resolvedReports: number;
}

const RANK: Record<Role, number> = { user: 0, moderator: 1, admin: 2 };

/**
 * Every moderation action. Each one, in one transaction: changes the target, appends its row to
 * the audit log, resolves the target's open reports, and emits the event that tells the affected
 * user. Repeating an action is harmless (hiding a hidden post changes nothing, but is logged and
 * resolves reports filed since).
 */
export class ModerationActions {
  constructor(private readonly deps: ModerationActionsDeps) {}

  async hidePost(moderator: Viewer, input: ContentActionInput): Promise<Acted> {
    const post = await this.livePost(input.id);
    return this.act(moderator, 'hide_post', { kind: 'post', id: post.id }, post.author_id, input.reason, (trx, now) =>
      trx
        .updateTable('posts')
        .set({ hidden_at: now })
        .where('id', '=', post.id)
        .where('hidden_at', 'is', null)
        .execute(),
    );
  }

  async unhidePost(moderator: Viewer, input: ContentActionInput): Promise<Acted> {
    const post = await this.livePost(input.id);
    return this.act(moderator, 'unhide_post', { kind: 'post', id: post.id }, post.author_id, input.reason, (trx) =>
      trx.updateTable('posts').set({ hidden_at: null }).where('id', '=', post.id).execute(),
    );
  }

  async markSensitive(moderator: Viewer, input: ContentActionInput): Promise<Acted> {
    const post = await this.livePost(input.id);
    return this.act(moderator, 'mark_sensitive', { kind: 'post', id: post.id }, post.author_id, input.reason, (trx) =>
      trx.updateTable('posts').set({ sensitive: SENSITIVE_BY_MODERATOR }).where('id', '=', post.id).execute(),
    );
  }

  async unmarkSensitive(moderator: Viewer, input: ContentActionInput): Promise<Acted> {
    const post = await this.livePost(input.id);
    return this.act(moderator, 'unmark_sensitive', { kind: 'post', id: post.id }, post.author_id, input.reason, (trx) =>
      trx.updateTable('posts').set({ sensitive: NOT_SENSITIVE }).where('id', '=', post.id).execute(),
    );
  }

  async removeComment(moderator: Viewer, input: ContentActionInput): Promise<Acted> {
    const comment = await this.liveComment(input.id);
    const target = { kind: 'comment', id: comment.id } as const;
    return this.act(moderator, 'remove_comment', target, comment.author_id, input.reason, (trx, now) =>
      trx
        .updateTable('comments')
        .set({ removed_at: now })
        .where('id', '=', comment.id)
        .where('removed_at', 'is', null)
        .execute(),
    );
  }

  async restoreComment(moderator: Viewer, input: ContentActionInput): Promise<Acted> {
    const comment = await this.liveComment(input.id);
    const target = { kind: 'comment', id: comment.id } as const;
    return this.act(moderator, 'restore_comment', target, comment.author_id, input.reason, (trx) =>
      trx.updateTable('comments').set({ removed_at: null }).where('id', '=', comment.id).execute(),
    );
  }

  /**
   * Suspends an account: no sign-in (ACCOUNT_SUSPENDED), every session revoked at once, and the
   * profile, posts and comments hidden from everyone (the post policy and the lists read
   * `suspended_at`). Resolves every open report of the account and of what it wrote. Only a
   * higher role may suspend: moderators suspend users, admins suspend moderators too.
   */
  async suspend(moderator: Viewer, input: AccountActionInput): Promise<Acted> {
    const user = await this.account(input);
    await this.assertOutranks(moderator, user, 'suspend');
    const ended: string[] = [];
    const acted = await this.act(
      moderator,
      'suspend',
      { kind: 'user', id: user.id },
      user.id,
      input.reason,
      async (trx, now) => {
        // The user's row first: a sign-in in flight holds it until its session is written, so its
        // session is either refused or among those revoked below.
        await trx.updateTable('users').set({ suspended_at: now }).where('id', '=', user.id).execute();
        const revoked = await trx
          .updateTable('sessions')
          .set({ revoked_at: now })
          .where('user_id', '=', user.id)
          .where('revoked_at', 'is', null)
          .returning('id')
          .execute();
        for (const { id } of revoked) {
          ended.push(id);
          await this.deps.wakeups.notify(trx, 'sessions', id);
        }
      },
      'owner',
    );
    for (const sessionId of ended) this.deps.onSessionEnded?.(sessionId);
    return acted;
  }

  async unsuspend(moderator: Viewer, input: AccountActionInput): Promise<Acted> {
    const user = await this.account(input);
    await this.assertOutranks(moderator, user, 'unsuspend');
    // A deletion hides the account through `suspended_at` too; lifting it would bring back what its owner deleted.
    if (user.deleted_at !== null) throw new AppError('CONFLICT', 'This account was deleted by its owner.');
    return this.act(moderator, 'unsuspend', { kind: 'user', id: user.id }, user.id, input.reason, (trx) =>
      trx.updateTable('users').set({ suspended_at: null }).where('id', '=', user.id).execute(),
    );
  }

  /** Closes a target's open reports with no change to it ("nothing wrong here"). */
  async dismiss(moderator: Viewer, input: DismissInput): Promise<Acted> {
    const report = await this.deps.db.kysely
      .selectFrom('reports')
      .select('target_user_id')
      .where('target_kind', '=', input.target.kind)
      .where('target_id', '=', input.target.id)
      .executeTakeFirst();
    if (!report) throw new AppError('NOT_FOUND', 'Nothing reported there.');
    return this.act(moderator, 'dismiss', input.target, report.target_user_id, input.reason, () => Promise.resolve());
  }

  /**
   * Releases held content (a word filter's `hold`): the post or comment reaches everyone the
   * visibility rules allow, and what its write held back (fan-out, notifications) happens now. The
   * release and its log row commit together; a hold released already is NOT_FOUND, also when
   * another moderator's release won a moment ago (the release inside the transaction finds
   * nothing, and the log row rolls back with it).
   */
  async releaseHold(moderator: Viewer, input: ReleaseHoldInput): Promise<Acted> {
    const hold = await this.deps.db.kysely
      .selectFrom('content_holds')
      .select(['id', 'post_id', 'comment_id', 'author_id'])
      .where('id', '=', input.holdId)
      .where('released_at', 'is', null)
      .executeTakeFirst();
    const gone = () => new AppError('NOT_FOUND', 'No such held post or comment (released already?).');
    if (!hold) throw gone();
    const target: ReportTarget =
      hold.comment_id === null ? { kind: 'post', id: hold.post_id } : { kind: 'comment', id: hold.comment_id };
    return this.act(moderator, 'release_hold', target, hold.author_id, input.reason, async (trx, now, emit) => {
      if (!(await releaseHold(trx, emit, hold.id, now))) throw gone();
    });
  }

  /** Admins make moderators and admins (and take it back). Not one's own role: someone else must. */
  async setRole(admin: Viewer, input: SetRoleInput): Promise<Acted & { role: Role }> {
    const user = await this.account(input);
    if (user.id === admin.userId) throw new AppError('FORBIDDEN', 'Another admin must change your role.');
    const acted = await this.act(
      admin,
      'set_role',
      { kind: 'user', id: user.id },
      user.id,
      `${input.role}: ${input.reason}`,
      (trx) => trx.updateTable('users').set({ role: input.role }).where('id', '=', user.id).execute(),
      'none',
    );
    return { ...acted, role: input.role };
  }

  /**
   * The one write path of every action. `resolves` says which open reports it closes: the
   * target's (default), every report about the owner's account and content (suspension), or none
   * (a role change is not an answer to a report).
   */
  private async act(
    moderator: Viewer,
    action: ModerationAction,
    target: ReportTarget,
    targetUserId: string,
    reason: string,
    change: (trx: Transaction<Database>, now: string, emit: Emit) => Promise<unknown>,
    resolves: 'target' | 'owner' | 'none' = 'target',
  ): Promise<Acted> {
    const { ids, clock, outbox } = this.deps;
    const now = clock.now().toISOString();
    const logId = ids.next();
    const resolvedReports = await outbox.write(async (trx, emit) => {
      await change(trx, now, emit);
      await trx
        .insertInto('moderation_log')
        .values({
          id: logId,
          moderator_id: moderator.userId,
          action,
          target_kind: target.kind,
          target_id: target.id,
          target_user_id: targetUserId,
          reason,
          created_at: now,
        })
        .execute();
      let resolved = 0;
      if (resolves !== 'none') {
        const result = await trx
          .updateTable('reports')
          .set({ state: 'resolved', resolved_at: now, resolved_by_id: moderator.userId, resolution: action })
          .where('state', '=', 'open')
          .$if(resolves === 'target', (qb) =>
            qb.where('target_kind', '=', target.kind).where('target_id', '=', target.id),
          )
          .$if(resolves === 'owner', (qb) => qb.where('target_user_id', '=', targetUserId))
          .executeTakeFirst();
        resolved = Number(result.numUpdatedRows);
      }
      await emit({ type: 'moderation.acted', logId });
      return resolved;
    });
    return { target, logId, resolvedReports };
  }

  private async livePost(id: string) {
    const post = await this.deps.db.kysely
      .selectFrom('posts')
      .select(['id', 'author_id'])
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!post) throw new AppError('NOT_FOUND', 'No such post.');
    return post;
  }

  private async liveComment(id: string) {
    const comment = await this.deps.db.kysely
      .selectFrom('comments')
      .select(['id', 'author_id'])
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!comment) throw new AppError('NOT_FOUND', 'No such comment.');
    return comment;
  }

  /** An account by id or username, suspended or not (moderators must reach suspended ones). */
  private async account(ref: { userId?: string | undefined; username?: string | undefined }): Promise<UserRow> {
    const row = await this.deps.db.kysely
      .selectFrom('users')
      .selectAll()
      .$if(ref.userId !== undefined, (qb) => qb.where('id', '=', ref.userId!))
      .$if(ref.userId === undefined, (qb) => qb.where('username_key', '=', ref.username ?? ''))
      .executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', 'No such user.');
    return row;
  }

  private async assertOutranks(moderator: Viewer, user: UserRow, what: string): Promise<void> {
    if (user.id === moderator.userId) throw new AppError('FORBIDDEN', `You cannot ${what} your own account.`);
    const own = await this.deps.db.kysely
      .selectFrom('users')
      .select('role')
      .where('id', '=', moderator.userId)
      .executeTakeFirstOrThrow();
    if (RANK[own.role] <= RANK[user.role]) {
      throw new AppError('FORBIDDEN', `Only an admin can ${what} a moderator, and no one an admin.`);
    }
  }
}
