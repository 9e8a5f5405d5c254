import type { Db } from '../../db/connect.js';

/** Uploads waiting for a worker to turn them into derivatives: what the monitoring gauges report. */
export interface MediaQueue {
  /** Completed uploads in `processing`: their owners see them as not ready yet. */
  queued: number;
  /** When the oldest of them was queued (ISO-8601); undefined when none is. */
  oldestQueuedAt: string | undefined;
}

/**
 * One query over the `processing` rows only (`media_status_idx` starts with `status`). Ready media
 * an operator asked to rebuild is not counted: it keeps serving meanwhile, nobody waits for it,
 * and finding it would read every ready row. `updated_at` of a `processing` row is when its upload
 * was completed: failed attempts that will be retried change only the lease columns.
 */
export async function readMediaQueue(db: Db): Promise<MediaQueue> {
  const row = await db.kysely
    .selectFrom('media')
    .select((eb) => [eb.fn.countAll<number | string>().as('count'), eb.fn.min('updated_at').as('oldest')])
    .where('status', '=', 'processing')
    .executeTakeFirst();
  return { queued: Number(row?.count ?? 0), oldestQueuedAt: row?.oldest ?? undefined };
}
