import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connect.js';
import type { IdGenerator } from '../../ids/snowflake.js';
import type { AvatarUrls } from '../accounts/presenter.js';
import type { MediaUrlSigner } from '../media/urls.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor, type Page } from '../shared/pagination.js';
import { NotificationBus } from './bus.js';
import { presentNotifications, type PresentDeps } from './presenter.js';
import type { ListNotificationsInput, MarkReadInput } from './schemas.js';
import { liveNotifications, type LiveNotification, type LiveViewer } from './live.js';
import { SessionWatch, type SessionCheck, type SessionWatchLog } from './session-watch.js';
import type { NotificationView } from './types.js';
import { NotificationWriter } from './writer.js';

export interface NotificationsServiceDeps {
  db: Db;
  ids: IdGenerator;
  clock: Clock;
  urls: MediaUrlSigner;
  avatarUrls: AvatarUrls;
  /** Which sessions are still signed in: live streams end with theirs. */
  sessions: SessionCheck;
  log: SessionWatchLog;
  /** How often live streams re-read the table, for rows written by other processes. */
  pollMs?: number;
  /**
   * How often the sessions of open streams are looked up all at once, for revocations by other
   * processes and expiry (default 2 s).
   */
  sessionCheckMs?: number;
}

/** Unread rows re-checked for the badge; beyond this the count says "at least". */
const UNREAD_SCAN_LIMIT = 1_000;

export class NotificationsService {
  readonly bus = new NotificationBus();
  readonly sessionWatch: SessionWatch;
  /** Writes notifications and announces them on `bus`; the event handlers write through it. */
  readonly writer: NotificationWriter;
  private readonly present: PresentDeps;

  constructor(private readonly deps: NotificationsServiceDeps) {
    this.sessionWatch = new SessionWatch({
      sessions: deps.sessions,
      intervalMs: deps.sessionCheckMs ?? 2_000,
      log: deps.log,
    });
    this.writer = new NotificationWriter({ db: deps.db.kysely, ids: deps.ids, clock: deps.clock, bus: this.bus });
    this.present = { db: deps.db.kysely, urls: deps.urls, avatarUrls: deps.avatarUrls };
  }

  /** The viewer's notifications, most recently changed first. */
  async list(viewerId: string, input: ListNotificationsInput): Promise<Page<NotificationView>> {
    const limit = input.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor(input.cursor);
    let query = this.deps.db.kysely
      .selectFrom('notifications')
      .selectAll()
      .where('recipient_id', '=', viewerId)
      .orderBy('seq_id', 'desc')
      .limit(limit + 1);
    if (after !== undefined) query = query.where('seq_id', '<', after);
    const rows = await query.execute();
    const more = rows.length > limit;
    const pageRows = more ? rows.slice(0, limit) : rows;
    const last = pageRows.at(-1);
    return {
      items: await presentNotifications(this.present, viewerId, pageRows),
      nextCursor: more && last ? encodeCursor(last.seq_id) : null,
    };
  }

  async markRead(viewerId: string, input: MarkReadInput): Promise<{ updated: number }> {
    let query = this.deps.db.kysely
      .updateTable('notifications')
      .set({ read_at: this.deps.clock.now().toISOString() })
      .where('recipient_id', '=', viewerId)
      .where('read_at', 'is', null);
    if (input.ids) query = query.where('id', 'in', input.ids);
    const result = await query.executeTakeFirst();
    return { updated: Number(result.numUpdatedRows) };
  }

  /** Unread notifications the viewer may still see (the same re-check as the list). */
  async unreadCount(viewerId: string): Promise<{ count: number }> {
    const rows = await this.deps.db.kysely
      .selectFrom('notifications')
      .selectAll()
      .where('recipient_id', '=', viewerId)
      .where('read_at', 'is', null)
      .orderBy('seq_id', 'desc')
      .limit(UNREAD_SCAN_LIMIT)
      .execute();
    return { count: (await presentNotifications(this.present, viewerId, rows)).length };
  }

  /**
   * New notifications for the viewer as they happen; with `lastEventId`, first those written
   * after it (a reconnecting client misses nothing). Fails with UNAUTHENTICATED when the viewer's
   * session ends.
   */
  live(
    viewer: LiveViewer,
    lastEventId: string | null,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<LiveNotification> {
    return liveNotifications(
      {
        db: this.deps.db.kysely,
        bus: this.bus,
        present: this.present,
        sessions: this.sessionWatch,
        pollMs: this.deps.pollMs ?? 2_000,
      },
      viewer,
      lastEventId,
      signal,
    );
  }

  /** A session was logged out or revoked in this process: its live streams end now. */
  sessionEnded(sessionId: string): void {
    this.sessionWatch.end(sessionId);
  }

  /** Ends every live stream (on shutdown, before the HTTP server closes). */
  close(): void {
    this.bus.close();
    this.sessionWatch.stop();
  }
}
