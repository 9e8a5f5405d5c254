import { sql } from 'kysely';
import type { Db } from '../../db/connect.js';
import { AppError } from '../../errors/app-error.js';
import { loadUsers } from '../accounts/load-users.js';
import type { AvatarUrls } from '../accounts/presenter.js';
import type { Viewer } from '../accounts/types.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor, type Page } from '../shared/pagination.js';
import type { Acted, ModerationActions } from './actions.js';
import type { WordFilters } from '../word-filters/service.js';
import { heldTarget, presentLogEntry, presentPendingHold, presentReport, targetKey } from './presenter.js';
import type {
  AccountActionInput,
  ContentActionInput,
  DismissInput,
  HeldInput,
  LogInput,
  QueueInput,
  ReleaseHoldInput,
  SetRoleInput,
  TargetInput,
} from './schemas.js';
import { loadSummaries } from './targets.js';
import type {
  ActionResult,
  HeldContent,
  LogEntry,
  QueueItem,
  ReportReason,
  RoleChange,
  TargetDetail,
} from './types.js';

export interface ModerationServiceDeps {
  db: Db;
  avatarUrls: AvatarUrls;
  actions: ModerationActions;
  /** Held content: what word filters' `hold` rules keep back until a moderator releases it. */
  holds: Pick<WordFilters, 'listHeld' | 'pendingHolds'>;
}

/** Reports of one target and the log shown with it. */
const SHOWN_REPORTS = 200;
const SHOWN_LOG = 50;

/**
 * What moderators read and do: the queue of reported targets, one target with its reports, the
 * audit log, and the actions (`actions.ts`). The router lets only moderators and admins in.
 */
export class ModerationService {
  constructor(private readonly deps: ModerationServiceDeps) {}

  /**
   * Reported targets with reports in `state`, grouped by target, the most recently reported (or
   * re-reported) first. The cursor is the last target's newest activity id.
   */
  async queue(input: QueueInput): Promise<Page<QueueItem>> {
    const db = this.deps.db.kysely;
    const limit = input.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor(input.cursor);
    const groups = await db
      .selectFrom('reports')
      .select((eb) => [
        'target_kind',
        'target_id',
        eb.fn.max('activity_id').as('activity_id'),
        eb.fn.max('updated_at').as('last_reported_at'),
        eb.fn.countAll<number | string>().as('n'),
      ])
      .where('state', '=', input.state)
      .groupBy(['target_kind', 'target_id'])
      // Cast on both sides' behalf: SQLite compares an integer with a text parameter as text.
      .$if(after !== undefined, (qb) => qb.having(sql<boolean>`max(activity_id) < cast(${after!} as bigint)`))
      .orderBy(sql`max(activity_id)`, 'desc')
      .limit(limit + 1)
      .execute();
    const more = groups.length > limit;
    const page = more ? groups.slice(0, limit) : groups;
    const targets = page.map((g) => ({ kind: g.target_kind, id: g.target_id }));
    const targetIds = [...new Set(targets.map((t) => t.id))];
    const [summaries, reasonRows] = await Promise.all([
      loadSummaries(db, targets, this.deps.avatarUrls),
      targetIds.length === 0
        ? []
        : db
            .selectFrom('reports')
            .select((eb) => ['target_kind', 'target_id', 'reason', eb.fn.countAll<number | string>().as('n')])
            .where('state', '=', input.state)
            .where('target_id', 'in', targetIds)
            .groupBy(['target_kind', 'target_id', 'reason'])
            .execute(),
    ]);
    const items = page.map((group): QueueItem => {
      const key = targetKey({ kind: group.target_kind, id: group.target_id });
      const reasons: Partial<Record<ReportReason, number>> = {};
      for (const row of reasonRows) {
        if (targetKey({ kind: row.target_kind, id: row.target_id }) === key) reasons[row.reason] = Number(row.n);
      }
      return {
        ...summaries.get(key)!,
        reportCount: Number(group.n),
        reasons,
        lastReportedAt: new Date(String(group.last_reported_at)).toISOString(),
      };
    });
    const last = page.at(-1);
    return { items, nextCursor: more && last ? encodeCursor(String(last.activity_id)) : null };
  }

  /**
   * Held content, oldest first (the longest waiting at the top): each hold with its post or comment
   * summarised as the queue's targets are, and the rule that matched. The cursor is the last hold's id.
   */
  async held(input: HeldInput): Promise<Page<HeldContent>> {
    const limit = input.limit ?? DEFAULT_PAGE_SIZE;
    const afterId = decodeCursor(input.cursor);
    const holds = await this.deps.holds.listHeld({ limit: limit + 1, ...(afterId === undefined ? {} : { afterId }) });
    const more = holds.length > limit;
    const page = more ? holds.slice(0, limit) : holds;
    const summaries = await loadSummaries(this.deps.db.kysely, page.map(heldTarget), this.deps.avatarUrls);
    const items = page.map((hold) => ({ ...summaries.get(targetKey(heldTarget(hold)))!, ...presentPendingHold(hold) }));
    const last = page.at(-1);
    return { items, nextCursor: more && last ? encodeCursor(last.id) : null };
  }

  /** One target as it is (hidden, removed, held or suspended alike), its reports and what was done to it. */
  async show(target: TargetInput): Promise<TargetDetail> {
    const db = this.deps.db.kysely;
    const summary = (await loadSummaries(db, [target], this.deps.avatarUrls)).get(targetKey(target))!;
    const [reports, log, holds] = await Promise.all([
      db
        .selectFrom('reports')
        .selectAll()
        .where('target_kind', '=', target.kind)
        .where('target_id', '=', target.id)
        .orderBy('id', 'desc')
        .limit(SHOWN_REPORTS)
        .execute(),
      db
        .selectFrom('moderation_log')
        .selectAll()
        .where('target_kind', '=', target.kind)
        .where('target_id', '=', target.id)
        .orderBy('id', 'desc')
        .limit(SHOWN_LOG)
        .execute(),
      target.kind === 'user'
        ? []
        : this.deps.holds.pendingHolds(target.kind === 'post' ? { postId: target.id } : { commentId: target.id }),
    ]);
    if (summary.owner === null && reports.length === 0 && log.length === 0) {
      throw new AppError('NOT_FOUND', `No such ${target.kind}.`);
    }
    const users = await loadUsers(db, [...reports.map((r) => r.reporter_id), ...log.map((l) => l.moderator_id)]);
    return {
      ...summary,
      reports: reports.map((r) => presentReport(r, users, this.deps.avatarUrls)),
      log: log.map((l) => presentLogEntry(l, users, this.deps.avatarUrls)),
      holds: holds.map(presentPendingHold),
    };
  }

  /** The audit log, newest first; optionally one moderator's actions, or those about one user. */
  async log(input: LogInput): Promise<Page<LogEntry>> {
    const db = this.deps.db.kysely;
    const limit = input.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor(input.cursor);
    const rows = await db
      .selectFrom('moderation_log')
      .selectAll()
      .$if(input.moderatorId !== undefined, (qb) => qb.where('moderator_id', '=', input.moderatorId!))
      .$if(input.targetUserId !== undefined, (qb) => qb.where('target_user_id', '=', input.targetUserId!))
      .$if(after !== undefined, (qb) => qb.where('id', '<', after!))
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const users = await loadUsers(
      db,
      page.map((r) => r.moderator_id),
    );
    const last = page.at(-1);
    return {
      items: page.map((r) => presentLogEntry(r, users, this.deps.avatarUrls)),
      nextCursor: more && last ? encodeCursor(last.id) : null,
    };
  }

  hidePost = (moderator: Viewer, input: ContentActionInput) =>
    this.answer(this.deps.actions.hidePost(moderator, input));
  unhidePost = (moderator: Viewer, input: ContentActionInput) =>
    this.answer(this.deps.actions.unhidePost(moderator, input));
  markSensitive = (moderator: Viewer, input: ContentActionInput) =>
    this.answer(this.deps.actions.markSensitive(moderator, input));
  unmarkSensitive = (moderator: Viewer, input: ContentActionInput) =>
    this.answer(this.deps.actions.unmarkSensitive(moderator, input));
  removeComment = (moderator: Viewer, input: ContentActionInput) =>
    this.answer(this.deps.actions.removeComment(moderator, input));
  restoreComment = (moderator: Viewer, input: ContentActionInput) =>
    this.answer(this.deps.actions.restoreComment(moderator, input));
  suspend = (moderator: Viewer, input: AccountActionInput) => this.answer(this.deps.actions.suspend(moderator, input));
  unsuspend = (moderator: Viewer, input: AccountActionInput) =>
    this.answer(this.deps.actions.unsuspend(moderator, input));
  dismiss = (moderator: Viewer, input: DismissInput) => this.answer(this.deps.actions.dismiss(moderator, input));
  releaseHold = (moderator: Viewer, input: ReleaseHoldInput) =>
    this.answer(this.deps.actions.releaseHold(moderator, input));

  async setRole(admin: Viewer, input: SetRoleInput): Promise<RoleChange> {
    const acted = await this.deps.actions.setRole(admin, input);
    return { userId: acted.target.id, role: acted.role, logId: acted.logId };
  }

  /** An action's answer: the target as it now stands. */
  private async answer(acting: Promise<Acted>): Promise<ActionResult> {
    const acted = await acting;
    const summaries = await loadSummaries(this.deps.db.kysely, [acted.target], this.deps.avatarUrls);
    return { ...summaries.get(targetKey(acted.target))!, resolvedReports: acted.resolvedReports, logId: acted.logId };
  }
}
