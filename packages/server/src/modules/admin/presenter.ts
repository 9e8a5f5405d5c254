import type { Selectable } from 'kysely';
import type { EventsTable } from '../../db/schema.js';
import type { EventSummary } from './types.js';

/** An outbox row as the admin commands show it: camelCase, the payload parsed. */
export function presentEvent(row: Selectable<EventsTable>): EventSummary {
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    createdAt: row.created_at,
    availableAt: row.available_at,
    processedAt: row.processed_at,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
  };
}
