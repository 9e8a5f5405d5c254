import type { DomainEvent } from '../../src/events/types.js';

/**
 * `event` as the outbox hands it to a handler: what tests pass when they call a handler directly
 * (a replay, a second worker, a late claim) instead of letting the dispatcher deliver it.
 */
export function storedEvent<E extends DomainEvent>(event: E, id = '1'): E & { id: string; occurredAt: string } {
  return { ...event, id, occurredAt: new Date().toISOString() };
}
