import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { NotificationBus } from './bus.js';
import { presentNotifications, type PresentDeps } from './presenter.js';
import type { NotificationView } from './types.js';

export interface LiveDeps {
  db: Kysely<Database>;
  bus: NotificationBus;
  present: PresentDeps;
  pollMs: number;
}

/** A notification and its position in the recipient's stream (the SSE event id). */
export interface LiveNotification {
  seq: string;
  notification: NotificationView;
}

const BATCH = 100;

/**
 * Reads the recipient's rows past a cursor whenever the in-process bus says something was written,
 * and at least every `pollMs` (rows written by another process only show up that way). The table
 * is the only source, so a replay after reconnecting and a live delivery are the same code path.
 */
export async function* liveNotifications(
  deps: LiveDeps,
  viewerId: string,
  lastEventId: string | null,
  signal: AbortSignal | undefined,
): AsyncGenerator<LiveNotification> {
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const offClose = deps.bus.onClose(onAbort);
  let dirty = lastEventId !== null;
  let wake: (() => void) | undefined;
  const offBus = deps.bus.subscribe(viewerId, () => {
    dirty = true;
    wake?.();
  });
  try {
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
        for (const row of rows) {
          cursor = row.seq_id;
          const notification = views.get(row.id);
          if (notification) yield { seq: row.seq_id, notification };
        }
        if (rows.length === BATCH) dirty = true;
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, deps.pollMs);
        stop.signal.addEventListener('abort', done, { once: true });
        wake = done;
        function done(): void {
          clearTimeout(timer);
          stop.signal.removeEventListener('abort', done);
          wake = undefined;
          resolve();
        }
      });
      // A timeout is a poll: look at the table even without a wake-up.
      dirty = true;
    }
  } finally {
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
