import type { Transaction } from 'kysely';
import type { Clock } from '../clock.js';
import type { Db } from '../db/connect.js';
import type { Database } from '../db/schema.js';
import type { Wakeups } from '../db/wakeups.js';
import type { IdGenerator } from '../ids/snowflake.js';
import type { DomainEvent, EventType, StoredEvent } from './types.js';

/** Appends an event to the outbox inside the transaction `Outbox.write` is running. */
export type Emit = (event: DomainEvent) => Promise<void>;

export interface OutboxDeps {
  db: Db;
  ids: IdGenerator;
  clock: Clock;
  /**
   * Called once a transaction that emitted events has committed: the dispatcher looks now instead
   * of at its next poll. Never called before the commit, nor for a transaction that rolled back.
   */
  onCommitted: () => void;
  /**
   * How the dispatchers of other processes hear of the events: a wake-up sent in the write's own
   * transaction, so it goes out exactly when the events commit. Absent: this process only.
   */
  wakeups?: Wakeups;
}

/**
 * The one way a write records domain events: `write(async (trx, emit) => …)` runs the write in a
 * transaction and `emit` appends each event in that same transaction, so an event exists exactly
 * when the write it describes committed. The wake-up after the commit is the outbox's job, not the
 * caller's, so it cannot be forgotten and cannot come early (a dispatcher woken before the commit
 * would find nothing, then sleep until its next poll).
 */
export class Outbox {
  constructor(private readonly deps: OutboxDeps) {}

  async write<T>(work: (trx: Transaction<Database>, emit: Emit) => Promise<T>): Promise<T> {
    const { db, ids, clock } = this.deps;
    let emitted = 0;
    let open = true;
    const result = await db.kysely.transaction().execute(async (trx) => {
      const emit: Emit = async (event) => {
        if (!open) throw new Error(`event ${event.type} emitted after its transaction ended`);
        await appendEvent(trx, ids, clock, event);
        emitted++;
      };
      let result: T;
      try {
        result = await work(trx, emit);
      } finally {
        open = false;
      }
      if (emitted > 0) await this.deps.wakeups?.notify(trx, 'outbox');
      return result;
    });
    if (emitted > 0) this.deps.onCommitted();
    return result;
  }
}

async function appendEvent(trx: Transaction<Database>, ids: IdGenerator, clock: Clock, event: DomainEvent) {
  const { type, ...payload } = event;
  const now = clock.now().toISOString();
  await trx
    .insertInto('events')
    .values({
      id: ids.next(),
      type,
      payload: JSON.stringify(payload),
      status: 'pending',
      available_at: now,
      locked_until: null,
      last_error: null,
      created_at: now,
      processed_at: null,
    })
    .execute();
}

/** An outbox row as handlers see it. */
export function toStoredEvent(row: { id: string; type: string; payload: string; created_at: string }): StoredEvent {
  const payload = JSON.parse(row.payload) as object;
  return { ...payload, type: row.type as EventType, id: row.id, occurredAt: row.created_at } as StoredEvent;
}
