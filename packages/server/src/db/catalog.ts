import { sql } from 'kysely';
import BetterSqlite3 from 'better-sqlite3';

import type { Db } from './connect.js';

/**
 * What the database itself says about its tables, read from the catalog rather than from
 * `schema.ts`, so that code copying every row (backup, restore, move) cannot forget a table or a
 * column added by a later migration.
 */
export interface TableInfo {
  name: string;
  /** In declaration order. */
  columns: { name: string; nullable: boolean }[];
  /** Primary key columns in key order (empty when the table has none). */
  primaryKey: string[];
  /** Single-column references to other tables (or to the table itself). */
  foreignKeys: { column: string; references: string; nullable: boolean }[];
}

/** Kysely's bookkeeping tables: the migration level is read separately (`appliedMigrations`). */
const BOOKKEEPING = /^kysely_/;

/**
 * Every ordinary table, sorted by name. SQLite's virtual tables (FTS5) and their shadow tables are
 * not ordinary tables and are left out; on Postgres every base table of the schema is listed.
 */
export async function readCatalog(db: Db): Promise<TableInfo[]> {
  const tables = db.caps.dialect === 'sqlite' ? await sqliteCatalog(db) : await postgresCatalog(db);
  return tables.filter((t) => !BOOKKEEPING.test(t.name)).sort((a, b) => (a.name < b.name ? -1 : 1));
}

async function sqliteCatalog(db: Db): Promise<TableInfo[]> {
  const { rows: names } = await sql<{
    name: string;
  }>`select name from pragma_table_list where schema = 'main' and type = 'table' and name not like 'sqlite_%'`.execute(
    db.kysely,
  );
  const tables: TableInfo[] = [];
  for (const { name } of names) {
    const { rows: columns } = await sql<{
      name: string;
      notnull: number;
      pk: number;
    }>`select name, "notnull", pk from pragma_table_info(${name}) order by cid`.execute(db.kysely);
    const { rows: keys } = await sql<{
      from: string;
      table: string;
    }>`select "from", "table" from pragma_foreign_key_list(${name})`.execute(db.kysely);
    const nullable = new Map(columns.map((c) => [c.name, c.notnull === 0 && c.pk === 0]));
    tables.push({
      name,
      columns: columns.map((c) => ({ name: c.name, nullable: nullable.get(c.name) ?? false })),
      primaryKey: columns
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => c.name),
      foreignKeys: keys.map((k) => ({ column: k.from, references: k.table, nullable: nullable.get(k.from) ?? false })),
    });
  }
  return tables;
}

async function postgresCatalog(db: Db): Promise<TableInfo[]> {
  const schema = db.schema ?? 'public';
  const { rows: columns } = await sql<{ table_name: string; column_name: string; is_nullable: string }>`
    select c.table_name, c.column_name, c.is_nullable
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = ${schema} and t.table_type = 'BASE TABLE'
    order by c.table_name, c.ordinal_position`.execute(db.kysely);
  const { rows: keys } = await sql<{ table_name: string; column_name: string; position: number }>`
    select cl.relname as table_name, a.attname as column_name, k.position::int as position
    from pg_constraint con
    join pg_class cl on cl.oid = con.conrelid
    join pg_namespace n on n.oid = cl.relnamespace
    cross join lateral unnest(con.conkey) with ordinality as k(attnum, position)
    join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum
    where con.contype = 'p' and n.nspname = ${schema}
    order by cl.relname, k.position`.execute(db.kysely);
  const { rows: references } = await sql<{ table_name: string; column_name: string; referenced: string }>`
    select cl.relname as table_name, a.attname as column_name, ref.relname as referenced
    from pg_constraint con
    join pg_class cl on cl.oid = con.conrelid
    join pg_namespace n on n.oid = cl.relnamespace
    join pg_class ref on ref.oid = con.confrelid
    join pg_attribute a on a.attrelid = con.conrelid and a.attnum = con.conkey[1]
    where con.contype = 'f' and n.nspname = ${schema} and cardinality(con.conkey) = 1`.execute(db.kysely);

  const byName = new Map<string, TableInfo>();
  for (const c of columns) {
    let table = byName.get(c.table_name);
    if (!table) {
      table = { name: c.table_name, columns: [], primaryKey: [], foreignKeys: [] };
      byName.set(c.table_name, table);
    }
    table.columns.push({ name: c.column_name, nullable: c.is_nullable === 'YES' });
  }
  for (const k of keys) byName.get(k.table_name)?.primaryKey.push(k.column_name);
  for (const r of references) {
    const table = byName.get(r.table_name);
    const nullable = table?.columns.find((c) => c.name === r.column_name)?.nullable ?? false;
    table?.foreignKeys.push({ column: r.column_name, references: r.referenced, nullable });
  }
  return [...byName.values()];
}

/**
 * An order to insert tables in so that every NOT NULL reference points at a table already filled.
 * References that cannot be satisfied that way — to the table itself (a reply's parent comment) or
 * closing a cycle (a user's avatar is a media row the user owns) — are nullable in a sound schema:
 * they are `deferred`, inserted as null and set once every row is in.
 */
export function insertionOrder(tables: readonly TableInfo[]): {
  order: string[];
  deferred: { table: string; column: string }[];
} {
  const names = new Set(tables.map((t) => t.name));
  const order: string[] = [];
  const placed = new Set<string>();
  const remaining = [...tables];
  while (remaining.length > 0) {
    const index = remaining.findIndex((t) =>
      t.foreignKeys.every(
        (fk) => fk.nullable || fk.references === t.name || placed.has(fk.references) || !names.has(fk.references),
      ),
    );
    if (index < 0) {
      throw new Error(
        `Tables reference each other through NOT NULL columns: ${remaining.map((t) => t.name).join(', ')}`,
      );
    }
    const [next] = remaining.splice(index, 1);
    order.push(next!.name);
    placed.add(next!.name);
  }
  const position = new Map(order.map((name, i) => [name, i]));
  const deferred = tables.flatMap((t) =>
    t.foreignKeys
      .filter((fk) => names.has(fk.references) && position.get(fk.references)! >= position.get(t.name)!)
      .map((fk) => ({ table: t.name, column: fk.column })),
  );
  return { order, deferred };
}

/** The migrations applied to this database, in the order applied (empty for a new database). */
export async function appliedMigrations(db: Db): Promise<string[]> {
  const table = db.caps.dialect === 'sqlite' ? 'kysely_migration' : `"${db.schema ?? 'public'}".kysely_migration`;
  const exists =
    db.caps.dialect === 'sqlite'
      ? sql<{
          found: number;
        }>`select count(*) as found from sqlite_master where type = 'table' and name = 'kysely_migration'`
      : sql<{
          found: number;
        }>`select count(*)::int as found from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where c.relname = 'kysely_migration' and n.nspname = ${db.schema ?? 'public'}`;
  const { rows: found } = await exists.execute(db.kysely);
  if ((found[0]?.found ?? 0) === 0) return [];
  const { rows } = await sql<{ name: string }>`select name from ${sql.raw(table)} order by name`.execute(db.kysely);
  return rows.map((r) => r.name);
}

/**
 * A consistent copy of a live SQLite database, through SQLite's online backup API: other
 * connections (a serving process) keep reading and writing meanwhile. The whole file is copied in
 * one step, under one read transaction, so a write in between cannot restart the copy.
 */
export async function snapshotSqlite(sourcePath: string, destinationPath: string): Promise<void> {
  const source = new BetterSqlite3(sourcePath, { fileMustExist: true });
  try {
    source.pragma('busy_timeout = 5000');
    await source.backup(destinationPath, { progress: () => 0x7fffffff });
  } finally {
    source.close();
  }
}
