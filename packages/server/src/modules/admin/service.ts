import type { Config } from '../../config/config.js';
import { parseDatabaseUrl, parseMediaUrl } from '../../config/urls.js';
import path from 'node:path';

import { systemClock } from '../../clock.js';
import { openDatabase, type Db } from '../../db/connect.js';
import { migrateToLatest } from '../../db/migrate.js';
import { wakeupsFor } from '../../db/pg-wakeups.js';
import type { Wakeups } from '../../db/wakeups.js';
import { createBlobStore, type BlobStore, type BlobStoreConfig } from '../../storage/index.js';
import { takeBackup } from './backup/backup.js';
import { moveStoppedDeployment } from './backup/move.js';
import { readManifest, restoreBackup } from './backup/restore.js';
import { openBackupStore, parseBackupLocation, type BackupStore } from './backup/store.js';
import { checkStorage, type StorageReport } from '../media/storage-check.js';
import { queryEvents, requeueEvent } from './events.js';
import { recountCounters } from './recount.js';
import type { WordFilterAction } from '../../db/schema.js';
import { addAdminRule, listAdminRules, removeAdminRule, type AdminWordRule } from '../word-filters/admin-rules.js';
import type { UserRole } from '../../db/schema.js';
import { queueReprocess } from './reprocess.js';
import { addToBlocklist, listBlocklist, listBlocklistRefusals, removeFromBlocklist } from './blocklist.js';
import type {
  RoleGrant,
  BlocklistAddOptions,
  BlocklistAddResult,
  BlocklistEntryView,
  BlocklistRefusalView,
  BackupOptions,
  BackupResult,
  EventSummary,
  ListEventsOptions,
  MoveOptions,
  MoveResult,
  RecountResult,
  RestoreOptions,
  RestoreResult,
  VerifyStorageOptions,
} from './types.js';

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

/**
 * Block a processed media item's perceptual hash, or an image file's (`aperture admin blocklist
 * add|add-file`), and hide the live posts using matching media.
 */
export async function blocklistAdd(config: Config, options: BlocklistAddOptions): Promise<BlocklistAddResult> {
  return withDb(config, (db) => addToBlocklist(db, config, options));
}

/** Unblock a hash (`aperture admin blocklist remove`). */
export async function blocklistRemove(config: Config, hash: string): Promise<{ removed: boolean }> {
  return withDb(config, (db) => removeFromBlocklist(db, config, hash));
}

/** The blocked hashes, newest first (`aperture admin blocklist list`). */
export async function blocklistList(config: Config, limit = 100): Promise<BlocklistEntryView[]> {
  return withDb(config, (db) => listBlocklist(db, config, limit));
}

/** Uploads refused for matching the blocklist, newest first (`aperture admin blocklist refusals`). */
export async function blocklistRefusals(config: Config, limit = 100): Promise<BlocklistRefusalView[]> {
  return withDb(config, (db) => listBlocklistRefusals(db, config, limit));
}

/** Recompute every counter from the rows and fix drift (`aperture admin recount`). */
export async function recount(config: Config): Promise<RecountResult> {
  return withDb(config, (db) => recountCounters(db.kysely));
}

/**
 * The word filter rules stored in the database (`aperture admin words list`); those of
 * APERTURE_WORD_FILTER_FILE are in that file. Running servers pick up a change within 5 s.
 */
export async function listWordFilters(config: Config): Promise<AdminWordRule[]> {
  return withDb(config, (db) => listAdminRules(db.kysely));
}

/** Adds a word filter rule, or changes its action (`aperture admin words add`). */
export async function addWordFilter(config: Config, term: string, action: WordFilterAction): Promise<void> {
  return withDb(config, (db) => addAdminRule(db.kysely, term, action, systemClock.now()));
}

/** Removes a word filter rule by its term, in any case (`aperture admin words remove`); false: none. */
export async function removeWordFilter(config: Config, term: string): Promise<boolean> {
  return withDb(config, (db) => removeAdminRule(db.kysely, term));
}

/**
 * Gives an account a role (`aperture admin grant`), on the database directly: how an operator makes
 * the first moderators, or an admin when none can sign in. The holder's next request has it.
 */
export async function grantRole(config: Config, username: string, role: UserRole): Promise<RoleGrant> {
  return withDb(config, async (db) => {
    const key = username.trim().replace(/^@/, '').toLowerCase();
    const user = await db.kysely
      .updateTable('users')
      .set({ role })
      .where('username_key', '=', key)
      .returning(['id', 'username', 'role'])
      .executeTakeFirst();
    if (!user) throw new NoSuchAccountError(username);
    return { userId: user.id, username: user.username, role: user.role };
  });
}

/** `grantRole` of a username no account has. */
export class NoSuchAccountError extends Error {
  override readonly name = 'NoSuchAccountError';
  constructor(readonly username: string) {
    super(`No account is named ${username}.`);
  }
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
  const blobs = adminBlobStore(config, config.media);
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

/**
 * A consistent backup of the configured deployment into a folder or an S3 prefix
 * (`aperture admin backup`), safe while the server is serving. Blobs already in that place are not
 * copied again.
 */
export async function createBackup(config: Config, options: BackupOptions): Promise<BackupResult> {
  const location = parseBackupLocation(options.to, options.cwd ?? process.cwd());
  return withStores(config, config.media, openBackupStore(location), (blobs, backup) =>
    takeBackup({
      database: config.database,
      blobs,
      backup,
      now: new Date(),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    }),
  );
}

/**
 * Restores a backup into the configured deployment, which must be empty (`aperture admin restore`):
 * a new database (or one only migrated) and a blob store holding nothing of Aperture's.
 */
export async function restoreFromBackup(config: Config, options: RestoreOptions): Promise<RestoreResult> {
  const location = parseBackupLocation(options.from, options.cwd ?? process.cwd());
  return withStores(config, config.media, openBackupStore(location), async (blobs, backup) => {
    const manifest = await readManifest(backup);
    const db = await openDatabase(config.database);
    try {
      const { tables } = await restoreBackup(
        { db, blobs, backup, ...(options.onProgress ? { onProgress: options.onProgress } : {}) },
        manifest,
      );
      return {
        location: backup.description,
        id: manifest.id,
        createdAt: manifest.createdAt,
        source: manifest.source,
        target: { dialect: db.caps.dialect, blobStore: blobs.kind },
        migrationLevel: manifest.migrations.at(-1) ?? '',
        tables,
        blobs: { count: manifest.blobs.count, bytes: manifest.blobs.bytes },
      };
    } finally {
      await db.close();
    }
  });
}

/**
 * Moves the configured (stopped) deployment's rows to another database and/or its media to another
 * blob store (`aperture admin move`); what is not named stays where it is.
 */
export async function moveDeployment(config: Config, options: MoveOptions): Promise<MoveResult> {
  const cwd = options.cwd ?? process.cwd();
  if (options.toDatabase === undefined && options.toMedia === undefined) {
    throw new Error('Name where to move: a database URL, a media URL, or both');
  }
  const database = options.toDatabase === undefined ? undefined : parseDatabaseUrl(options.toDatabase, cwd);
  const media = options.toMedia === undefined ? undefined : parseMediaUrl(options.toMedia, cwd, undefined);
  if (database && JSON.stringify(database) === JSON.stringify(config.database)) {
    throw new Error('The target database is the one configured now: nothing to move');
  }
  if (media && JSON.stringify(media) === JSON.stringify(config.media)) {
    throw new Error('The target blob store is the one configured now: nothing to move');
  }
  const from = adminBlobStore(config, config.media);
  const to = media ? adminBlobStore(config, media) : undefined;
  try {
    const moved = await moveStoppedDeployment({
      from: { database: config.database, blobs: from },
      to: { ...(database ? { database } : {}), ...(to ? { blobs: to } : {}) },
      now: new Date(),
      ...(options.workDir === undefined ? {} : { workDir: path.resolve(cwd, options.workDir) }),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    return {
      env: {
        ...(options.toDatabase === undefined ? {} : { APERTURE_DATABASE_URL: options.toDatabase }),
        ...(options.toMedia === undefined ? {} : { APERTURE_MEDIA_URL: options.toMedia }),
      },
      ...moved,
    };
  } finally {
    await from.close();
    await to?.close();
  }
}

/** A blob store for admin work: nothing it does is signed, so neither the real secret nor creating one is needed. */
function adminBlobStore(config: Config, media: BlobStoreConfig): BlobStore {
  return createBlobStore(media, {
    secret: 'admin-commands-sign-nothing',
    publicUrl: () => config.publicUrl ?? 'http://127.0.0.1',
  });
}

async function withStores<T>(
  config: Config,
  media: BlobStoreConfig,
  backup: BackupStore,
  work: (blobs: BlobStore, backup: BackupStore) => Promise<T>,
): Promise<T> {
  const blobs = adminBlobStore(config, media);
  try {
    return await work(blobs, backup);
  } finally {
    await blobs.close();
    await backup.close();
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
