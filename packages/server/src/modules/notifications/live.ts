import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { AppError } from '../../errors/app-error.js';
import type { NotificationBus } from './bus.js';
import type { LivePoll } from './live-poll.js';
import type { SessionWatch } from './session-watch.js';
import { presentNotifications, type PresentDeps } from './presenter.js';
import type { NotificationView } from './types.js';

export interface LiveDeps {
  db: Kysely<Database>;
  bus: NotificationBus;
  present: PresentDeps;
  sessions: SessionWatch;
  /** The process-wide safety-net look for rows whose wake-up never came. */
  poll: Pick<LivePoll, 'streamOpened'>;
}

/** Whose stream: the recipient, and the session that opened it (the stream lives no longer). */
export interface LiveViewer {
  userId: string;
  sessionId: string;
}

/** A notification and its position in the recipient's stream (the SSE event id). */
export interface LiveNotification {
  seq: string;
  notification: NotificationView;
}

const BATCH = 100;

/**
 * Reads the recipient's rows past a cursor whenever the in-process bus says something may have been
 * written for them: by this process's writer, by another process (its wake-up heard here), or as
 * found by the process-wide safety-net poll (`LivePoll`). A stream never polls by itself, so open
 * streams cost no queries while nothing happens. The table is the only source, so a replay after
 * reconnecting and a live delivery are the same code path.
 *
 * The stream belongs to its session: when the session is logged out, revoked or expires, the
 * stream fails with UNAUTHENTICATED (see `SessionWatch` for how that is noticed), and it asks the
 * database whether the session still holds before every delivery, so nothing is delivered after
 * it ended.
 */
export async function* liveNotifications(
  deps: LiveDeps,
  viewer: LiveViewer,
  lastEventId: string | null,
  signal: AbortSignal | undefined,
): AsyncGenerator<LiveNotification> {
  const viewerId = viewer.userId;
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  let sessionEnded = false;
  const endSession = (): void => {
    sessionEnded = true;
    stop.abort();
  };
  let serverClosing = false;
  const onServerClose = (): void => {
    serverClosing = true;
    stop.abort();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const offClose = deps.bus.onClose(onServerClose);
  // Watching before the first look: a revocation between authentication and here is caught by
  // the look, one after it by the watch.
  const offSession = deps.sessions.watch(viewer.sessionId, endSession);
  let dirty = lastEventId !== null;
  let wake: (() => void) | undefined;
  const offBus = deps.bus.subscribe(viewerId, () => {
    dirty = true;
    wake?.();
  });
  deps.poll.streamOpened();
  try {
    if (!(await deps.sessions.isActive(viewer.sessionId))) endSession();
    let cursor = lastEventId ?? (await latestSeq(deps.db, viewerId));
    while (!stop.signal.aborted) {
      if (dirty) {
        dirty = false;
        const rows = await deps.db
          .selectFrom('notifications')
          .selectAll()
          .where('recipient_id', '=', viewerId)
          .where('seq_id', '>', cursor)
          .orderBy('seq_id', 'asc')
          .limit(BATCH)
          .execute();
        const views = new Map(
          (await presentNotifications(deps.present, viewerId, rows)).map((view) => [view.id, view]),
        );
        if (views.size > 0 && !stop.signal.aborted && !(await deps.sessions.isActive(viewer.sessionId))) {
          endSession();
        }
        for (const row of rows) {
          // Ended while an earlier notification of this batch was being written out.
          if (stop.signal.aborted) break;
          cursor = row.seq_id;
          const notification = views.get(row.id);
          if (notification) yield { seq: row.seq_id, notification };
        }
        if (rows.length === BATCH) dirty = true;
        continue;
      }
      await new Promise<void>((resolve) => {
        stop.signal.addEventListener('abort', done, { once: true });
        wake = done;
        function done(): void {
          stop.signal.removeEventListener('abort', done);
          wake = undefined;
          resolve();
        }
      });
    }
    // A client that left needs no reason; a session that ended does, so clients stop rather
    // than reconnect (UNAUTHENTICATED is not a code tRPC's client retries).
    if (sessionEnded && !signal?.aborted) {
      throw new AppError('UNAUTHENTICATED', 'This session has ended (signed out, revoked or expired). Sign in again.');
    }
    // A server shutting down ends the stream with a code tRPC's client reconnects on (a plain end
    // would complete the subscription); the reconnect, with its last event id, reaches another process.
    if (serverClosing && !signal?.aborted) {
      throw new AppError('UNAVAILABLE', 'This server is shutting down; reconnect to continue the stream.');
    }
  } finally {
    offSession();
    offBus();
    offClose();
    signal?.removeEventListener('abort', onAbort);
  }
}

async function latestSeq(db: Kysely<Database>, viewerId: string): Promise<string> {
  const row = await db
    .selectFrom('notifications')
    .select('seq_id')
    .where('recipient_id', '=', viewerId)
    .orderBy('seq_id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.seq_id ?? '0';
}
