import type { EventType, StoredEvent } from '../../src/events/types.js';

/**
 * `event` as the outbox hands it to a handler: what tests pass when they call a handler directly
 * (a replay, a second worker, a late claim) instead of letting the dispatcher deliver it.
 */
export function storedEvent<T extends EventType>(
  event: Omit<StoredEvent<T>, 'id' | 'occurredAt'>,
  id = '1',
): StoredEvent<T> {
  return { ...event, id, occurredAt: new Date().toISOString() } as StoredEvent<T>;
}
