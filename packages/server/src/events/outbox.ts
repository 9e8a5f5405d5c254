import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { Database } from '../db/schema.js';
import type { IdGenerator } from '../ids/snowflake.js';
import type { DomainEvent, EventType, StoredEvent } from './types.js';

/**
 * Record `event` in the outbox. Pass the transaction of the write the event describes: the event
 * then exists exactly when the write committed, and the dispatcher delivers it afterwards.
 */
export async function appendEvent(
  trx: Kysely<Database>,
  ids: IdGenerator,
  clock: Clock,
  event: DomainEvent,
): Promise<void> {
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
