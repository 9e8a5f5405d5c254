import type { Clock } from '../../clock.js';
import { lockForTransaction } from '../../db/advisory-lock.js';
import type { Db } from '../../db/connect.js';
import type { Wakeups } from '../../db/wakeups.js';
import type { IdGenerator } from '../../ids/snowflake.js';
import type { AvatarUrls } from '../accounts/presenter.js';
import type { MediaUrlSigner } from '../media/urls.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor, type Page } from '../shared/pagination.js';
import { NotificationBus } from './bus.js';
import { presentNotifications, type PresentDeps } from './presenter.js';
import type { ListNotificationsInput, MarkReadInput } from './schemas.js';
import { liveNotifications, type LiveNotification, type LiveViewer } from './live.js';
import { LivePoll } from './live-poll.js';
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
  /**
   * Rows written and sessions revoked by other processes: their wake-ups are heard here and reach
   * this process's live streams.
   */
  wakeups: Wakeups;
  /**
   * How often one look for the whole process finds rows of open streams' recipients whose
   * wake-up never came (default 2 s).
   */
  pollMs?: number;
  /**
   * How often the sessions of open streams are looked up all at once, for expiry and revocations
   * whose wake-up never came (default 2 s).
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
  private readonly poll: LivePoll;
  private readonly unlisten: (() => void)[];

  constructor(private readonly deps: NotificationsServiceDeps) {
    this.sessionWatch = new SessionWatch({
      sessions: deps.sessions,
      intervalMs: deps.sessionCheckMs ?? 2_000,
      log: deps.log,
    });
    const { db, ids, clock, wakeups } = deps;
    this.writer = new NotificationWriter({
      db: db.kysely,
      lockRecipient: (trx, recipientId) => lockForTransaction(db, trx, `notifications:${recipientId}`),
      ids,
      clock,
      bus: this.bus,
      wakeups,
    });
    this.present = { db: db.kysely, urls: deps.urls, avatarUrls: deps.avatarUrls };
    this.poll = new LivePoll({ db: db.kysely, bus: this.bus, intervalMs: deps.pollMs ?? 2_000, log: deps.log });
    // Another process's wake-up fans out to this process's streams of that recipient (or session);
    // `undefined` follows a reconnect of the listener: anything may have been missed.
    this.unlisten = [
      wakeups.listen('notifications', (recipientId) =>
        recipientId === undefined ? this.bus.publishAll() : this.bus.publish(recipientId),
      ),
      wakeups.listen(
        'sessions',
        (sessionId) =>
          void (sessionId === undefined ? this.sessionWatch.check() : this.sessionWatch.recheck(sessionId)),
      ),
    ];
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
        poll: this.poll,
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
    for (const unlisten of this.unlisten) unlisten();
    this.bus.close();
    this.sessionWatch.stop();
    this.poll.stop();
  }
}
