import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connect.js';
import { AppError } from '../../errors/app-error.js';
import type { IdGenerator } from '../../ids/snowflake.js';
import type { Viewer } from '../accounts/types.js';
import { commentNotFound, isBlockedEitherWay, isSuspended, visiblePost } from '../engagement/post-gate.js';
import { loadPair, noSuchUser, resolveUser } from '../graph/pair.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage, type Page } from '../shared/pagination.js';
import { presentMyReport } from './presenter.js';
import type { CreateReportInput, MyReportsInput, TargetInput } from './schemas.js';
import type { MyReport } from './types.js';

export interface ReportsServiceDeps {
  db: Db;
  ids: IdGenerator;
  clock: Clock;
  /** New reports one account may file per hour (updates of an open report do not count). */
  reportsPerHour?: number;
}

/**
 * A small guard against one account flooding the queue; the general write limits sit in front of
 * every procedure, this only keeps the moderators' queue usable.
 */
export const DEFAULT_REPORTS_PER_HOUR = 20;
const HOUR_MS = 3_600_000;

/**
 * Reports users file against posts, comments and accounts. One open report per reporter and
 * target: reporting it again updates that report (reason, note, and its place in the queue). A
 * reporter sees their own reports and their state, never anyone else's.
 */
export class ReportsService {
  constructor(private readonly deps: ReportsServiceDeps) {}

  async create(viewer: Viewer, input: CreateReportInput): Promise<MyReport> {
    const { db, ids, clock } = this.deps;
    const targetUserId = await this.visibleTarget(viewer.userId, input.target);
    if (targetUserId === viewer.userId) {
      throw new AppError('VALIDATION_FAILED', 'You cannot report your own account or what you wrote.');
    }
    const now = clock.now();
    const write = () =>
      db.kysely.transaction().execute(async (trx) => {
        const open = await trx
          .selectFrom('reports')
          .select('id')
          .where('reporter_id', '=', viewer.userId)
          .where('target_kind', '=', input.target.kind)
          .where('target_id', '=', input.target.id)
          .where('state', '=', 'open')
          .executeTakeFirst();
        if (open) {
          await trx
            .updateTable('reports')
            .set({ reason: input.reason, note: input.note, activity_id: ids.next(), updated_at: now.toISOString() })
            .where('id', '=', open.id)
            .execute();
          return open.id;
        }
        await this.assertUnderCap(trx, viewer.userId, now);
        const id = ids.next();
        await trx
          .insertInto('reports')
          .values({
            id,
            reporter_id: viewer.userId,
            target_kind: input.target.kind,
            target_id: input.target.id,
            target_user_id: targetUserId,
            reason: input.reason,
            note: input.note,
            state: 'open',
            activity_id: id,
            created_at: now.toISOString(),
            updated_at: now.toISOString(),
            resolved_at: null,
            resolved_by_id: null,
            resolution: null,
          })
          .execute();
        return id;
      });
    let id: string;
    try {
      id = await write();
    } catch (error) {
      // The same reporter's two reports of one target raced: the partial unique index let one
      // in; the other becomes the update it should have been.
      if (!db.caps.isUniqueViolation(error)) throw error;
      id = await write();
    }
    const row = await db.kysely.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return presentMyReport(row);
  }

  /** The viewer's own reports, newest first. */
  async mine(viewer: Viewer, input: MyReportsInput): Promise<Page<MyReport>> {
    const limit = input.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor(input.cursor);
    const rows = await this.deps.db.kysely
      .selectFrom('reports')
      .selectAll()
      .where('reporter_id', '=', viewer.userId)
      .$if(after !== undefined, (qb) => qb.where('id', '<', after!))
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    return toPage(rows, limit, (page) => page.map(presentMyReport));
  }

  /**
   * The owner of the target, if the reporter may see it; NOT_FOUND exactly like a missing one
   * otherwise, so a report cannot probe for what the reporter may not see. An account the
   * reporter blocked can still be reported (blocking often comes first).
   */
  private async visibleTarget(viewerId: string, target: TargetInput): Promise<string> {
    const db = this.deps.db.kysely;
    if (target.kind === 'post') return (await visiblePost(db, viewerId, target.id)).post.author_id;
    if (target.kind === 'comment') {
      const comment = await db.selectFrom('comments').selectAll().where('id', '=', target.id).executeTakeFirst();
      if (!comment || comment.deleted_at !== null || comment.removed_at !== null) throw commentNotFound();
      await visiblePost(db, viewerId, comment.post_id, commentNotFound);
      if (await isBlockedEitherWay(db, viewerId, comment.author_id)) throw commentNotFound();
      if (await isSuspended(db, comment.author_id)) throw commentNotFound();
      return comment.author_id;
    }
    const user = await resolveUser(db, { userId: target.id });
    if (user.id !== viewerId) {
      const pair = await loadPair(db, viewerId, user.id);
      if (pair.blockedBy && !pair.blocking) throw noSuchUser();
    }
    return user.id;
  }

  private async assertUnderCap(trx: Db['kysely'], reporterId: string, now: Date): Promise<void> {
    const cap = this.deps.reportsPerHour ?? DEFAULT_REPORTS_PER_HOUR;
    const since = new Date(now.getTime() - HOUR_MS).toISOString();
    const recent = await trx
      .selectFrom('reports')
      .select('created_at')
      .where('reporter_id', '=', reporterId)
      .where('created_at', '>', since)
      .orderBy('created_at', 'desc')
      .limit(cap)
      .execute();
    if (recent.length < cap) return;
    const oldest = recent.at(-1)!;
    const retryAfter = Math.max(1, Math.ceil((Date.parse(oldest.created_at) + HOUR_MS - now.getTime()) / 1000));
    throw new AppError('RATE_LIMITED', `At most ${cap} new reports an hour; try again later.`, { retryAfter });
  }
}
