import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { PassThrough, type Readable } from 'node:stream';

import { CompiledQuery, sql, type Kysely, type SelectQueryBuilder } from 'kysely';

import type { DialectCapabilities } from '../../../db/capabilities.js';
import type { TableInfo } from '../../../db/catalog.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tables are named by the catalog at run time. */
type AnyDb = Kysely<any>;
type Row = Record<string, unknown>;

const FETCH = 1000;

/**
 * Every row of a query, a page at a time: SQLite steps one statement (the snapshot is a private
 * file nobody writes), Postgres reads through a cursor inside the caller's transaction, so the rows
 * are those of its snapshot however long the reading takes.
 */
export async function* streamRows(
  db: AnyDb,
  caps: DialectCapabilities,
  query: SelectQueryBuilder<any, any, any>,
): AsyncGenerator<Row> {
  if (caps.dialect === 'sqlite') {
    yield* query.stream(FETCH) as AsyncIterable<Row>;
    return;
  }
  const compiled = query.compile();
  await db.executeQuery(
    CompiledQuery.raw(`declare aperture_backup no scroll cursor for ${compiled.sql}`, [...compiled.parameters]),
  );
  try {
    for (;;) {
      const { rows } = await sql<Row>`fetch forward ${sql.raw(String(FETCH))} from aperture_backup`.execute(db);
      if (rows.length === 0) return;
      yield* rows;
    }
  } finally {
    await sql`close aperture_backup`.execute(db);
  }
}

/** A table's rows in primary-key order (parents before replies, for a table that references itself). */
export function tableQuery(db: AnyDb, table: TableInfo): SelectQueryBuilder<any, any, any> {
  let query = db.selectFrom(table.name).select(table.columns.map((c) => c.name));
  for (const column of table.primaryKey.length > 0 ? table.primaryKey : table.columns.map((c) => c.name)) {
    query = query.orderBy(column);
  }
  return query;
}

/** The posts the caption index holds: its rows are rebuilt from `posts` on restore. */
export function searchIndexQuery(db: AnyDb, caps: DialectCapabilities): SelectQueryBuilder<any, any, any> {
  return caps.dialect === 'sqlite'
    ? db
        .selectFrom('post_search')
        .select(sql<string>`rowid`.as('post_id'))
        .orderBy(sql`rowid`)
    : db.selectFrom('post_search').select('post_id').orderBy('post_id');
}

/** What writing a JSON-lines file produced: its digest, size and line count once `body` has ended. */
export interface LinesFile {
  body: Readable;
  done: Promise<{ sha256: string; size: number; rows: number }>;
}

/**
 * Turns rows into a JSON-lines stream, hashing as it goes. The caller hands `body` to a store;
 * rows are pulled only as fast as the store takes them.
 */
export function jsonLines(rows: AsyncIterable<unknown>): LinesFile {
  const body = new PassThrough();
  const hash = createHash('sha256');
  let size = 0;
  let count = 0;
  const done = (async () => {
    try {
      for await (const row of rows) {
        const line = Buffer.from(`${JSON.stringify(row)}\n`);
        hash.update(line);
        size += line.length;
        count++;
        if (!body.write(line)) await new Promise((resolve) => body.once('drain', resolve));
      }
      body.end();
      return { sha256: hash.digest('hex'), size, rows: count };
    } catch (error) {
      body.destroy(error as Error);
      throw error;
    }
  })();
  // The store reports the same failure through `body`; this keeps it from being unhandled meanwhile.
  done.catch(() => {});
  return { body, done };
}

/**
 * Reads a JSON-lines file of a backup, checking its size and SHA-256 against the manifest once the
 * last line was read; a line that is not a JSON object is an error naming the file and line.
 */
export async function* readJsonLines(
  body: Readable,
  expected: { path: string; sha256: string; size: number },
): AsyncGenerator<Row> {
  const hash = createHash('sha256');
  let size = 0;
  body.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    size += chunk.length;
  });
  let line = 0;
  for await (const text of createInterface({ input: body, crlfDelay: Infinity })) {
    line++;
    if (text === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new Error(`${expected.path}, line ${line}: not JSON (the backup is damaged)`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error(`${expected.path}, line ${line}: not a row object (the backup is damaged)`);
    }
    yield value as Row;
  }
  const digest = hash.digest('hex');
  if (size !== expected.size || digest !== expected.sha256) {
    throw new Error(
      `${expected.path} does not match the manifest (${size} bytes, sha256 ${digest}; expected ${expected.size} bytes, ${expected.sha256}): the backup is damaged`,
    );
  }
}

/** A reference set after every row is in (see `insertionOrder`): where, and to what. */
export interface DeferredValue {
  table: string;
  key: Row;
  column: string;
  value: unknown;
}

/**
 * Inserts rows into one table in batches below the bind limit, checking that each has exactly the
 * columns the manifest lists with scalar values. Deferred references go in as null and are
 * returned to be set afterwards.
 */
export async function insertRows(
  db: AnyDb,
  caps: DialectCapabilities,
  table: TableInfo,
  columns: string[],
  rows: AsyncIterable<Row>,
  deferredColumns: Set<string>,
  onBatch: (rows: number) => void,
): Promise<{ rows: number; deferred: DeferredValue[] }> {
  const known = new Set(table.columns.map((c) => c.name));
  const unknown = columns.filter((c) => !known.has(c));
  if (unknown.length > 0) throw new Error(`Table ${table.name} of the target has no column ${unknown.join(', ')}`);
  const batchSize = Math.max(1, Math.min(500, Math.floor(caps.maxBindParameters / columns.length) - 1));
  const keyColumns = table.primaryKey.length > 0 ? table.primaryKey : columns;
  const deferred: DeferredValue[] = [];
  let batch: Row[] = [];
  let total = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await db.insertInto(table.name).values(batch).execute();
    total += batch.length;
    onBatch(batch.length);
    batch = [];
  };
  for await (const row of rows) {
    const keys = Object.keys(row);
    if (keys.length !== columns.length || !columns.every((c) => Object.hasOwn(row, c))) {
      throw new Error(
        `A row of ${table.name} has columns ${keys.join(', ')}; the manifest lists ${columns.join(', ')}`,
      );
    }
    const values: Row = {};
    for (const column of columns) {
      const value = row[column];
      if (value !== null && typeof value !== 'string' && typeof value !== 'number') {
        throw new Error(`A row of ${table.name} holds a ${typeof value} in ${column}: the backup is damaged`);
      }
      if (deferredColumns.has(column) && value !== null) {
        deferred.push({ table: table.name, key: pick(row, keyColumns), column, value });
        values[column] = null;
      } else {
        values[column] = value;
      }
    }
    batch.push(values);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return { rows: total, deferred };
}

export async function applyDeferred(db: AnyDb, values: DeferredValue[]): Promise<void> {
  for (const { table, key, column, value } of values) {
    let update = db.updateTable(table).set({ [column]: value });
    for (const [name, keyValue] of Object.entries(key)) update = update.where(name, '=', keyValue);
    await update.execute();
  }
}

function pick(row: Row, columns: string[]): Row {
  return Object.fromEntries(columns.map((c) => [c, row[c]]));
}
