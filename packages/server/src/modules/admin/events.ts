import type { Db } from '../../db/connect.js';
import { AppError } from '../../errors/app-error.js';
import { isCanonicalId } from '../../ids/canonical.js';
import { presentEvent } from './presenter.js';
import type { EventSummary, ListEventsOptions } from './types.js';

/** The newest outbox events, optionally of one status (`aperture admin events`). */
export async function queryEvents(db: Db, options: ListEventsOptions = {}): Promise<EventSummary[]> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 1_000);
  const rows = await db.kysely
    .selectFrom('events')
    .selectAll()
    .$if(options.status !== undefined, (qb) => qb.where('status', '=', options.status!))
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(presentEvent);
}

/** Put a parked (or failed, still pending) event back in the queue at `now`, with its attempts reset. */
export async function requeueEvent(db: Db, id: string, now: Date): Promise<EventSummary> {
  if (!isCanonicalId(id)) throw noSuchEvent(id);
  const row = await db.kysely
    .updateTable('events')
    .set({ status: 'pending', attempts: 0, available_at: now.toISOString(), locked_until: null })
    .where('id', '=', id)
    .where('status', 'in', ['parked', 'pending'])
    .returningAll()
    .executeTakeFirst();
  if (row) return presentEvent(row);
  const exists = await db.kysely.selectFrom('events').select('status').where('id', '=', id).executeTakeFirst();
  if (!exists) throw noSuchEvent(id);
  throw new AppError('CONFLICT', `Event ${id} was already delivered.`);
}

function noSuchEvent(id: string): AppError {
  return new AppError('NOT_FOUND', `No such event: ${id}.`);
}
