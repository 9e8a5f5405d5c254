import { sql, type Kysely } from 'kysely';

import { appliedMigrations, insertionOrder, readCatalog } from '../../../db/catalog.js';
import type { Db } from '../../../db/connect.js';
import { migrateToLatest } from '../../../db/migrate.js';
import { MIGRATIONS, type MigrationFactory } from '../../../db/migrations/index.js';
import type { Database } from '../../../db/schema.js';
import { isCanonicalId } from '../../../ids/canonical.js';
import type { BlobStore } from '../../../storage/blob-store.js';
import { createTextIndex } from '../../posts/text-index.js';
import type { OperationProgress } from '../types.js';
import { PROCESS_STATE_TABLE, SEARCH_INDEX_TABLE, readAll } from './backup.js';
import { copyFromBackup, eachLimited } from './blobs.js';
import { MANIFEST, blobEntrySchema, parseManifest, type BlobEntry, type Manifest } from './manifest.js';
import { applyDeferred, insertRows, readJsonLines, type DeferredValue } from './rows.js';
import type { BackupStore } from './store.js';

/** The target is not empty: restoring would mix two deployments, so nothing was changed. */
export class RestoreTargetNotEmptyError extends Error {
  override readonly name = 'RestoreTargetNotEmptyError';
}

const BLOB_COPIES_AT_ONCE = 4;
/** Where Aperture keeps blobs in a store: anything under these makes a store "in use". */
const BLOB_PREFIXES = ['originals/', 'media/', 'uploads/'];

export interface RestoreDeps {
  db: Db;
  blobs: BlobStore;
  backup: BackupStore;
  /** False when only the blobs are wanted (moving the media alone): the database is left as it is. */
  includeRows?: boolean;
  /** False when only the rows are wanted (moving the database alone): the blob store is left as it is. */
  includeBlobs?: boolean;
  onProgress?: (progress: OperationProgress) => void;
}

export async function readManifest(backup: BackupStore): Promise<Manifest> {
  return parseManifest((await readAll(await backup.get(MANIFEST))).toString('utf8'), backup.description);
}

/**
 * Restores a backup into an empty deployment of either kind: the schema migrated to the backup's
 * level, every blob copied and checked against its SHA-256, then every row in one transaction. A
 * failure at any point leaves the target as empty as it was (blobs copied so far are deleted again).
 */
export async function restoreBackup(
  deps: RestoreDeps,
  manifest: Manifest,
): Promise<{ tables: Record<string, number> }> {
  const includeRows = deps.includeRows ?? true;
  const includeBlobs = deps.includeBlobs ?? true;
  const migrations = migrationsUpTo(manifest);
  if (includeRows) await assertDatabaseEmpty(deps.db, manifest);
  if (includeBlobs) await assertStoreEmpty(deps.blobs);
  if (includeRows) await migrateToLatest(deps.db, migrations);

  const copied: string[] = [];
  try {
    if (includeBlobs) {
      const entries = await readBlobIndex(deps.backup, manifest);
      let done = 0;
      await eachLimited(entries, BLOB_COPIES_AT_ONCE, async (entry) => {
        copied.push(entry.key);
        await copyFromBackup(deps.backup, deps.blobs, entry);
        deps.onProgress?.({ phase: 'blobs', done: ++done, total: entries.length });
      });
    }
    const tables = includeRows ? await insertAll(deps, manifest) : {};
    return { tables };
  } catch (error) {
    for (const key of copied) await deps.blobs.delete(key).catch(() => {});
    throw error;
  }
}

/** The migrations the backup had applied, which must be this Aperture's first ones, in order. */
function migrationsUpTo(manifest: Manifest): Record<string, MigrationFactory> {
  const known = Object.keys(MIGRATIONS);
  manifest.migrations.forEach((name, i) => {
    if (known[i] !== name) {
      throw new Error(
        known.includes(name)
          ? `The backup's migrations are not in this Aperture's order (${name} at position ${i + 1}): it is damaged`
          : `The backup was made at migration ${name}, which this Aperture does not know: restore with the Aperture version that made it, or a newer one`,
      );
    }
  });
  return Object.fromEntries(manifest.migrations.map((name) => [name, MIGRATIONS[name]!]));
}

async function assertDatabaseEmpty(db: Db, manifest: Manifest): Promise<void> {
  const applied = await appliedMigrations(db);
  const beyond = applied.filter((name) => !manifest.migrations.includes(name));
  if (beyond.length > 0) {
    throw new RestoreTargetNotEmptyError(
      `The target database is at a newer schema (${beyond.at(-1)}) than the backup (${manifest.migrations.at(-1) ?? 'none'}): restore into a new, empty database, then start Aperture to upgrade it`,
    );
  }
  const used: string[] = [];
  for (const table of await readCatalog(db)) {
    if (table.name === PROCESS_STATE_TABLE) continue;
    const { rows } = await sql<{ one: number }>`select 1 as one from ${sql.table(table.name)} limit 1`.execute(
      db.kysely,
    );
    if (rows.length > 0) used.push(table.name);
  }
  if (used.length > 0) {
    throw new RestoreTargetNotEmptyError(
      `The target database is not empty (rows in ${used.join(', ')}): restore only into a new database, so two deployments never mix`,
    );
  }
}

async function assertStoreEmpty(blobs: BlobStore): Promise<void> {
  for (const prefix of BLOB_PREFIXES) {
    for await (const blob of blobs.list(prefix)) {
      throw new RestoreTargetNotEmptyError(
        `The target blob store (${blobs.kind}) is not empty (it holds ${blob.key}): restore only into an empty folder or bucket`,
      );
    }
  }
}

async function readBlobIndex(backup: BackupStore, manifest: Manifest): Promise<BlobEntry[]> {
  const file = fileOf(manifest, manifest.blobs.file);
  const entries: BlobEntry[] = [];
  for await (const row of readJsonLines(await backup.get(file.path), file)) {
    const entry = blobEntrySchema.safeParse(row);
    if (!entry.success) throw new Error(`${file.path} holds an entry that is not a blob (the backup is damaged)`);
    entries.push(entry.data);
  }
  return entries;
}

/** Every table's rows, then the references that had to wait, then the caption index: one transaction. */
async function insertAll(deps: RestoreDeps, manifest: Manifest): Promise<Record<string, number>> {
  const { db, backup } = deps;
  const catalog = (await readCatalog(db)).filter((t) => t.name !== SEARCH_INDEX_TABLE);
  const missing = Object.keys(manifest.tables).filter((name) => !catalog.some((t) => t.name === name));
  if (missing.length > 0) throw new Error(`The backup holds tables the target schema lacks: ${missing.join(', ')}`);
  const { order, deferred } = insertionOrder(catalog);
  const total = Object.values(manifest.tables).reduce((sum, t) => sum + t.rows, 0);
  let done = 0;
  const counts: Record<string, number> = {};
  await db.kysely.transaction().execute(async (trx) => {
    const anyTrx = trx as Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- tables named at run time
    const waiting: DeferredValue[] = [];
    for (const name of order) {
      const entry = manifest.tables[name];
      if (!entry) continue;
      const table = catalog.find((t) => t.name === name)!;
      const file = fileOf(manifest, entry.file);
      const rows = readJsonLines(await backup.get(file.path), file);
      const deferredColumns = new Set(deferred.filter((d) => d.table === name).map((d) => d.column));
      const result = await insertRows(anyTrx, db.caps, table, entry.columns, rows, deferredColumns, (n) => {
        done += n;
        deps.onProgress?.({ phase: 'rows', done, total });
      });
      if (result.rows !== entry.rows) {
        throw new Error(
          `${file.path} holds ${result.rows} rows; the manifest says ${entry.rows}: the backup is damaged`,
        );
      }
      counts[name] = result.rows;
      waiting.push(...result.deferred);
    }
    await applyDeferred(anyTrx, waiting);
    await rebuildSearchIndex(trx, db, backup, manifest);
  });
  return counts;
}

async function rebuildSearchIndex(
  trx: Kysely<Database>,
  db: Db,
  backup: BackupStore,
  manifest: Manifest,
): Promise<void> {
  const index = createTextIndex(db.caps);
  const file = fileOf(manifest, manifest.searchIndex.file);
  for await (const row of readJsonLines(await backup.get(file.path), file)) {
    const postId = row['post_id'];
    if (typeof postId !== 'string' || !isCanonicalId(postId)) {
      throw new Error(`${file.path} holds a post id that is not an id (the backup is damaged)`);
    }
    const post = await trx.selectFrom('posts').select('caption').where('id', '=', postId).executeTakeFirst();
    if (post) await index.put(trx, postId, post.caption);
  }
}

function fileOf(manifest: Manifest, path: string): Manifest['files'][number] {
  const file = manifest.files.find((f) => f.path === path);
  if (!file) throw new Error(`The manifest names ${path} but lists no checksum for it: the backup is damaged`);
  return file;
}
