import type { Db } from '../db/connect.js';

/** The outbox's undelivered events: what the monitoring gauges report. */
export interface OutboxBacklog {
  /** Events waiting for delivery (due now or backing off after a failure). */
  pending: number;
  /** When the oldest of them was written (ISO-8601); undefined when none is pending. */
  oldestPendingAt: string | undefined;
  /** Events set aside after too many failed attempts, waiting for `aperture admin events --retry`. */
  parked: number;
}

/**
 * One grouped query over the undelivered rows only: `events_pending_idx` starts with `status`, so
 * the delivered events (most of the table until they are pruned) are never read.
 */
export async function readOutboxBacklog(db: Db): Promise<OutboxBacklog> {
  const rows = await db.kysely
    .selectFrom('events')
    .select((eb) => ['status', eb.fn.countAll<number | string>().as('count'), eb.fn.min('created_at').as('oldest')])
    .where('status', 'in', ['pending', 'parked'])
    .groupBy('status')
    .execute();
  const pending = rows.find((row) => row.status === 'pending');
  const parked = rows.find((row) => row.status === 'parked');
  return {
    pending: Number(pending?.count ?? 0),
    oldestPendingAt: pending?.oldest ?? undefined,
    parked: Number(parked?.count ?? 0),
  };
}
