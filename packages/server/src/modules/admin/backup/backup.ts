import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';

import { sql } from 'kysely';

import { appliedMigrations, insertionOrder, readCatalog, snapshotSqlite } from '../../../db/catalog.js';
import { openDatabase, type DatabaseConfig, type Db } from '../../../db/connect.js';
import type { BlobStore } from '../../../storage/blob-store.js';
import type { BackupResult, OperationProgress } from '../types.js';
import { copyToBackup, eachLimited, mediaBlobs, type BlobReference } from './blobs.js';
import {
  FORMAT,
  FORMAT_VERSION,
  MANIFEST,
  blobEntrySchema,
  parseManifest,
  type BlobEntry,
  type Manifest,
} from './manifest.js';
import { jsonLines, readJsonLines, searchIndexQuery, streamRows, tableQuery } from './rows.js';
import type { BackupStore } from './store.js';

/** The caption index: each dialect's own engine, so it is kept as the post ids it holds. */
export const SEARCH_INDEX_TABLE = 'post_search';
/**
 * Which processes hold which node ids: the state of the running processes, not of the data. A
 * backup leaves it out and a restore ignores it (a restored deployment's processes lease afresh).
 */
export const PROCESS_STATE_TABLE = 'node_leases';
const BLOB_COPIES_AT_ONCE = 4;

export interface BackupDeps {
  database: DatabaseConfig;
  blobs: BlobStore;
  backup: BackupStore;
  now: Date;
  /** False when only the rows are wanted (moving the database alone). */
  includeBlobs?: boolean;
  onProgress?: (progress: OperationProgress) => void;
}

/**
 * Takes a backup: the rows of one consistent snapshot, then every blob those rows refer to. A blob
 * written after the snapshot belongs to rows the backup does not hold; a blob deleted after it
 * (its row gone since) is reported missing, never silently left out.
 */
export async function takeBackup(deps: BackupDeps): Promise<BackupResult> {
  const createdAt = deps.now.toISOString();
  const id = `${createdAt.replace(/[-:]/g, '').replace(/\.\d+/, '')}-${randomBytes(3).toString('hex')}`;
  const folder = `snapshots/${id}`;
  const previous = await readPrevious(deps.backup);
  const files: Manifest['files'] = [];
  const keep = async (path: string, rows: AsyncIterable<unknown>) => {
    const file = jsonLines(rows);
    await deps.backup.put(path, file.body);
    const done = await file.done;
    files.push({ path, sha256: done.sha256, size: done.size });
    return done.rows;
  };

  const refs = new Map<string, BlobReference>();
  const snapshot = await withSnapshot(deps.database, async (db) => {
    const migrations = await appliedMigrations(db);
    const catalog = (await readCatalog(db)).filter(
      (t) => t.name !== SEARCH_INDEX_TABLE && t.name !== PROCESS_STATE_TABLE,
    );
    const { order } = insertionOrder(catalog);
    const counts = new Map<string, number>();
    for (const name of order) {
      const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(name)}`.execute(db.kysely);
      counts.set(name, Number(rows[0]?.n ?? 0));
    }
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    let done = 0;
    const tables: Manifest['tables'] = {};
    for (const name of order) {
      const table = catalog.find((t) => t.name === name)!;
      const rows = streamRows(db.kysely, db.caps, tableQuery(db.kysely, table));
      const counted = (async function* () {
        for await (const row of rows) {
          if (name === 'media') for (const ref of mediaBlobs(row)) refs.set(ref.key, ref);
          if (++done % 1000 === 0) deps.onProgress?.({ phase: 'rows', done, total });
          yield row;
        }
      })();
      const file = `${folder}/${name}.jsonl`;
      tables[name] = { rows: await keep(file, counted), columns: table.columns.map((c) => c.name), file };
    }
    deps.onProgress?.({ phase: 'rows', done, total });
    const searchFile = `${folder}/${SEARCH_INDEX_TABLE}.jsonl`;
    const searchRows = await keep(searchFile, streamRows(db.kysely, db.caps, searchIndexQuery(db.kysely, db.caps)));
    return { migrations, tables, searchIndex: { rows: searchRows, file: searchFile }, dialect: db.caps.dialect };
  });

  const entries: BlobEntry[] = [];
  const missingBlobs: Manifest['missingBlobs'] = [];
  let copied = 0;
  let skipped = 0;
  if (deps.includeBlobs ?? true) {
    const wanted = [...refs.values()];
    let done = 0;
    await eachLimited(wanted, BLOB_COPIES_AT_ONCE, async (ref) => {
      const outcome = await copyToBackup(deps.blobs, deps.backup, ref, previous.get(ref.key));
      if (outcome.kind === 'copied' || outcome.kind === 'skipped') {
        entries.push(outcome.entry);
        if (outcome.kind === 'copied') copied++;
        else skipped++;
      } else if (outcome.kind === 'mismatch' || ref.required) {
        missingBlobs.push({ key: outcome.key, reason: outcome.reason });
      }
      deps.onProgress?.({ phase: 'blobs', done: ++done, total: wanted.length });
    });
  }
  entries.sort((a, b) => (a.key < b.key ? -1 : 1));
  missingBlobs.sort((a, b) => (a.key < b.key ? -1 : 1));
  const blobsFile = `${folder}/blobs.jsonl`;
  await keep(blobsFile, Readable.from(entries));
  const bytes = entries.reduce((sum, e) => sum + e.size, 0);

  const manifest: Manifest = {
    format: FORMAT,
    formatVersion: FORMAT_VERSION,
    id,
    createdAt,
    source: { dialect: snapshot.dialect, blobStore: deps.blobs.kind },
    migrations: snapshot.migrations,
    tables: snapshot.tables,
    searchIndex: snapshot.searchIndex,
    blobs: { count: entries.length, bytes, file: blobsFile },
    missingBlobs,
    files,
  };
  // The manifest goes last and whole: until it is written, the previous backup here stays the one.
  await deps.backup.put(MANIFEST, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
  if (previous.id !== undefined && previous.id !== id) await removeFolder(deps.backup, `snapshots/${previous.id}/`);

  return {
    location: deps.backup.description,
    id,
    createdAt,
    source: manifest.source,
    migrationLevel: snapshot.migrations.at(-1) ?? '',
    tables: Object.fromEntries(Object.entries(snapshot.tables).map(([name, t]) => [name, t.rows])),
    blobs: { count: entries.length, bytes, copied, skipped },
    missingBlobs,
  };
}

/**
 * Runs `work` on a consistent, read-only view of the database. SQLite: a copy made with the online
 * backup API beside the database file (same volume, removed afterwards). Postgres: one REPEATABLE
 * READ, READ ONLY transaction, which needs no privilege beyond reading the tables.
 */
async function withSnapshot<T>(config: DatabaseConfig, work: (db: Db) => Promise<T>): Promise<T> {
  if (config.kind === 'sqlite') {
    const copy = `${config.path}.backup-${randomBytes(4).toString('hex')}`;
    try {
      await snapshotSqlite(config.path, copy);
      const db = await openDatabase({ kind: 'sqlite', path: copy });
      try {
        return await work(db);
      } finally {
        await db.close();
      }
    } finally {
      for (const suffix of ['', '-wal', '-shm']) await rm(`${copy}${suffix}`, { force: true });
    }
  }
  const db = await openDatabase(config);
  try {
    return await db.kysely
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute((trx) => work({ ...db, kysely: trx }));
  } finally {
    await db.close();
  }
}

/** The backup already at this place, if any: its id and its blob index, so unchanged blobs are skipped. */
async function readPrevious(backup: BackupStore): Promise<{ id?: string; get(key: string): BlobEntry | undefined }> {
  const entries = new Map<string, BlobEntry>();
  if ((await backup.size(MANIFEST)) === null) return { get: () => undefined };
  const manifest = parseManifest((await readAll(await backup.get(MANIFEST))).toString('utf8'), backup.description);
  const index = manifest.files.find((f) => f.path === manifest.blobs.file);
  if (index) {
    for await (const row of readJsonLines(await backup.get(index.path), index)) {
      const entry = blobEntrySchema.safeParse(row);
      if (entry.success) entries.set(entry.data.key, entry.data);
    }
  }
  return { id: manifest.id, get: (key) => entries.get(key) };
}

async function removeFolder(backup: BackupStore, prefix: string): Promise<void> {
  const keys: string[] = [];
  for await (const key of backup.list(prefix)) keys.push(key);
  for (const key of keys) await backup.delete(key);
}

export async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
