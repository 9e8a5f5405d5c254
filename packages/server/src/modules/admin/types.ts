/** Public shapes of the admin operations (`aperture admin …`), as `@aperture/server` exports them. */
import type { EventsTable } from '../../db/schema.js';

export type EventStatus = EventsTable['status'];

/** One outbox row as `aperture admin events` shows it. */
export interface EventSummary {
  id: string;
  type: string;
  status: EventStatus;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  availableAt: string;
  processedAt: string | null;
  /** The event's fields other than its type (ids only). */
  payload: Record<string, unknown>;
}

export interface ListEventsOptions {
  status?: EventStatus;
  /** Default 50, at most 1,000. */
  limit?: number;
}

export interface RecountResult {
  /** Rows whose stored counter differed from a count of the rows it summarises, now corrected. */
  fixed: Record<string, number>;
}

export interface VerifyStorageOptions {
  /** Remove stale leftovers and repair rows (see StorageReport and docs/cli.md). */
  repair?: boolean;
  /** Leftovers younger than this are left alone (default: the sweeper's, 60). */
  graceMinutes?: number;
}
