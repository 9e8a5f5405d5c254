import type { Clock } from '../clock.js';
import type { Db } from '../db/connect.js';
import { toStoredEvent } from './outbox.js';
import type { StoredEvent } from './types.js';

/** A claimed event and how many times it failed before. */
export interface Claimed {
  event: StoredEvent;
  /** Failed attempts before this one. */
  attempts: number;
}

/**
 * The outbox's leases as one process (`holder`) sees them: claim due events, renew the ones still
 * being worked on, release them. Every write names the holder, so a process can never extend or
 * free a lease another process has taken over.
 */
export class EventLeases {
  constructor(private readonly deps: { db: Db; clock: Clock; holder: string; leaseMs: number; batchSize: number }) {}

  /**
   * Take a lease on the next due events. The UPDATE re-checks that each row is still claimable, so
   * on SQLite (no row locks) a second process racing for the same rows updates none of them; on
   * Postgres the SELECT skips rows another claim has locked.
   */
  async claim(): Promise<Claimed[]> {
    const { db, clock, holder } = this.deps;
    const now = clock.now();
    const nowIso = now.toISOString();
    const leaseEnd = new Date(now.getTime() + this.deps.leaseMs).toISOString();
    const rows = await db.kysely.transaction().execute(async (trx) => {
      const due = await trx
        .selectFrom('events')
        .select('id')
        .where('status', '=', 'pending')
        .where('available_at', '<=', nowIso)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', nowIso)]))
        .orderBy('id', 'asc')
        .limit(this.deps.batchSize)
        .$if(db.caps.supportsSkipLocked, (qb) => qb.forUpdate().skipLocked())
        .execute();
      if (due.length === 0) return [];
      return trx
        .updateTable('events')
        .set({ locked_until: leaseEnd, locked_by: holder })
        .where(
          'id',
          'in',
          due.map((r) => r.id),
        )
        .where('status', '=', 'pending')
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', nowIso)]))
        .returning(['id', 'type', 'payload', 'created_at', 'attempts'])
        .execute();
    });
    // RETURNING promises no order; ids are time-sortable.
    rows.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0));
    return rows.map((row) => ({ event: toStoredEvent(row), attempts: row.attempts }));
  }

  /**
   * Extends the lease on the events in `held` (the caller removes each one before finishing it);
   * false when any of them is no longer this holder's.
   */
  async renew(held: ReadonlySet<string>): Promise<boolean> {
    const ids = [...held];
    if (ids.length === 0) return true;
    const leaseEnd = new Date(this.deps.clock.now().getTime() + this.deps.leaseMs).toISOString();
    const renewed = await this.deps.db.kysely
      .updateTable('events')
      .set({ locked_until: leaseEnd })
      .where('id', 'in', ids)
      .where('locked_by', '=', this.deps.holder)
      .where('status', '=', 'pending')
      .returning('id')
      .execute();
    const still = new Set(renewed.map((r) => r.id));
    // An event finished while the renewal ran has left `held`: only the others count as lost.
    return ids.every((id) => still.has(id) || !held.has(id));
  }

  /** Frees the given events (all of this holder's when none are given) for any process to claim. */
  async release(ids?: Iterable<string>): Promise<number> {
    const list = ids === undefined ? undefined : [...ids];
    if (list?.length === 0) return 0;
    const result = await this.deps.db.kysely
      .updateTable('events')
      .set({ locked_until: null, locked_by: null })
      .$if(list !== undefined, (qb) => qb.where('id', 'in', list!))
      .where('locked_by', '=', this.deps.holder)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Frees events held by other holders whose names match one of `patterns` (SQL LIKE). */
  async releaseMatching(patterns: readonly string[]): Promise<number> {
    if (patterns.length === 0) return 0;
    const result = await this.deps.db.kysely
      .updateTable('events')
      .set({ locked_until: null, locked_by: null })
      .where((eb) => eb.or(patterns.map((pattern) => eb('locked_by', 'like', pattern))))
      .where('locked_by', '<>', this.deps.holder)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
