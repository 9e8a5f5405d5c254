import type { Config } from '../config/config.js';
import { openDatabase, type Db } from '../db/connect.js';
import { migrateToLatest } from '../db/migrate.js';
import type { EventsTable } from '../db/schema.js';
import { AppError } from '../errors/app-error.js';
import { isCanonicalId } from '../ids/canonical.js';

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

/** The newest outbox events, optionally of one status (`aperture admin events`). */
export async function listEvents(config: Config, options: ListEventsOptions = {}): Promise<EventSummary[]> {
  return withDb(config, (db) => queryEvents(db, options));
}

/** Put a parked (or failed, still pending) event back in the queue now, with its attempts reset. */
export async function retryEvent(config: Config, id: string): Promise<EventSummary> {
  return withDb(config, (db) => requeueEvent(db, id, new Date()));
}

export async function queryEvents(db: Db, options: ListEventsOptions = {}): Promise<EventSummary[]> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 1_000);
  const rows = await db.kysely
    .selectFrom('events')
    .selectAll()
    .$if(options.status !== undefined, (qb) => qb.where('status', '=', options.status!))
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(present);
}

export async function requeueEvent(db: Db, id: string, now: Date): Promise<EventSummary> {
  if (!isCanonicalId(id)) throw noSuchEvent(id);
  const row = await db.kysely
    .updateTable('events')
    .set({ status: 'pending', attempts: 0, available_at: now.toISOString(), locked_until: null })
    .where('id', '=', id)
    .where('status', 'in', ['parked', 'pending'])
    .returningAll()
    .executeTakeFirst();
  if (row) return present(row);
  const exists = await db.kysely.selectFrom('events').select('status').where('id', '=', id).executeTakeFirst();
  if (!exists) throw noSuchEvent(id);
  throw new AppError('CONFLICT', `Event ${id} was already delivered.`);
}

function noSuchEvent(id: string): AppError {
  return new AppError('NOT_FOUND', `No such event: ${id}.`);
}

function present(row: {
  id: string;
  type: string;
  status: EventStatus;
  attempts: number;
  last_error: string | null;
  created_at: string;
  available_at: string;
  processed_at: string | null;
  payload: string;
}): EventSummary {
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

async function withDb<T>(config: Config, work: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDatabase(config.database);
  try {
    await migrateToLatest(db);
    return await work(db);
  } finally {
    await db.close();
  }
}
