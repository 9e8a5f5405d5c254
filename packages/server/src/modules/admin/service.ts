import type { Config } from '../../config/config.js';
import { systemClock } from '../../clock.js';
import { openDatabase, type Db } from '../../db/connect.js';
import { migrateToLatest } from '../../db/migrate.js';
import { wakeupsFor } from '../../db/pg-wakeups.js';
import type { Wakeups } from '../../db/wakeups.js';
import { createBlobStore } from '../../storage/index.js';
import { checkStorage, type StorageReport } from '../media/storage-check.js';
import { queryEvents, requeueEvent } from './events.js';
import { recountCounters } from './recount.js';
import { queueReprocess } from './reprocess.js';
import type { EventSummary, ListEventsOptions, RecountResult, VerifyStorageOptions } from './types.js';

/*
 * What `aperture admin …` runs (exported by `@aperture/server`). Each call works on the configured
 * database with no server running: it opens it (running migrations, as a server's start would),
 * does one thing and closes it, so a command never leaves a connection behind.
 */

/**
 * Ask the workers to rebuild derivatives from the kept originals (`aperture admin reprocess`):
 * every ready media item, or the given ones. Old derivatives keep serving until the new ones land.
 */
export async function requestReprocess(config: Config, mediaIds?: string[]): Promise<{ queued: number }> {
  return withDb(config, async (db, wakeups) => {
    const queued = await queueReprocess(db, mediaIds, new Date());
    // The running workers start now, not at their next poll.
    if (queued.queued > 0) await wakeups.notify(db.kysely, 'media');
    return queued;
  });
}

/** Recompute every counter from the rows and fix drift (`aperture admin recount`). */
export async function recount(config: Config): Promise<RecountResult> {
  return withDb(config, (db) => recountCounters(db.kysely));
}

/** The newest outbox events, optionally of one status (`aperture admin events`). */
export async function listEvents(config: Config, options: ListEventsOptions = {}): Promise<EventSummary[]> {
  return withDb(config, (db) => queryEvents(db, options));
}

/** Put a parked (or failed, still pending) event back in the queue now, with its attempts reset. */
export async function retryEvent(config: Config, id: string): Promise<EventSummary> {
  return withDb(config, async (db, wakeups) => {
    const event = await requeueEvent(db, id, new Date());
    await wakeups.notify(db.kysely, 'outbox');
    return event;
  });
}

/**
 * Match every blob against the rows and every row against its blobs, on the configured database and
 * blob store (`aperture admin verify`); with `repair`, remove stale leftovers and fix rows.
 */
export async function verifyStorage(config: Config, options: VerifyStorageOptions = {}): Promise<StorageReport> {
  // Nothing is signed here, so neither the real secret (nor creating one) is needed.
  const blobs = createBlobStore(config.media, {
    secret: 'admin-verify-signs-nothing',
    publicUrl: () => config.publicUrl ?? 'http://127.0.0.1',
  });
  try {
    return await withDb(config, (db) =>
      checkStorage(
        { db, blobs, clock: systemClock },
        {
          repair: options.repair ?? false,
          graceMinutes: options.graceMinutes ?? config.mediaSettings.leftoverGraceMinutes,
        },
      ),
    );
  } finally {
    await blobs.close();
  }
}

/** Sends wake-ups only (it never listens), so it logs nothing. */
const silent = { info: () => undefined, error: () => undefined };

async function withDb<T>(config: Config, work: (db: Db, wakeups: Wakeups) => Promise<T>): Promise<T> {
  const db = await openDatabase(config.database);
  try {
    await migrateToLatest(db);
    return await work(db, wakeupsFor(config.database, db, silent));
  } finally {
    await db.close();
  }
}
