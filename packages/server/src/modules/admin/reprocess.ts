import type { Db } from '../../db/connect.js';

/**
 * Asks the workers to rebuild derivatives from the kept originals: every ready media item, or the
 * given ones. Old derivatives keep serving until the new ones land.
 */
export async function queueReprocess(db: Db, mediaIds: string[] | undefined, now: Date): Promise<{ queued: number }> {
  const result = await db.kysely
    .updateTable('media')
    .set({ reprocess_requested_at: now.toISOString(), attempts: 0 })
    .where('status', '=', 'ready')
    .$if(mediaIds !== undefined, (qb) => qb.where('id', 'in', mediaIds!))
    .executeTakeFirst();
  return { queued: Number(result.numUpdatedRows) };
}
