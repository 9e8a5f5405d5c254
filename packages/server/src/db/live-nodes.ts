import type { Db } from './connect.js';

/** The roles a process runs in, each reported even when no process has it (an alert needs the 0). */
export const PROCESS_ROLES = ['api', 'worker', 'all'] as const;

/**
 * How many processes hold a node lease that has not lapsed, by role: the processes serving this
 * deployment now. Times are the wall clock's, like the leases' own (`db/node-leases.ts`). A process
 * killed a moment ago still counts until its lease lapses (30 s at most).
 */
export async function countLiveNodesByRole(db: Db, now: Date = new Date()): Promise<Map<string, number>> {
  const rows = await db.kysely
    .selectFrom('node_leases')
    .select((eb) => ['role', eb.fn.countAll<number | string>().as('count')])
    .where('holder', 'is not', null)
    .where('expires_at', '>=', now.toISOString())
    .groupBy('role')
    .execute();
  const counts = new Map<string, number>(PROCESS_ROLES.map((role) => [role, 0]));
  for (const row of rows) counts.set(row.role ?? 'unknown', Number(row.count));
  return counts;
}
