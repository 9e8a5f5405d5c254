import pg from 'pg';
import { COLUMNS, type Batch, type TableName, type Value } from './rows.js';
import type { SeedWriter } from './writer.js';

/** Rows per INSERT: ~1,000 keeps statements far below Postgres's 65,535 bind parameters (15 columns at most here). */
const ROWS_PER_INSERT = 1_000;

/** Multi-row INSERTs inside one transaction per batch list; `schema` is the search_path, as the server sets it. */
export async function openPostgresWriter(url: string, schema: string | undefined): Promise<SeedWriter> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    if (schema !== undefined) await client.query(`SET search_path TO "${schema}"`);
    // A seed is rebuilt, not recovered: do not wait for the WAL flush on every commit.
    await client.query('SET synchronous_commit = off');
  } catch (error) {
    await client.end();
    throw error;
  }

  const insert = async (table: TableName, rows: Value[][]) => {
    const columns = COLUMNS[table];
    const params: Value[] = [];
    const tuples = rows.map((row) => {
      const start = params.length;
      params.push(...row);
      const slots = row.map((_, i) => `$${start + i + 1}`);
      // The caption index is a tsvector, built as the server's text index builds it.
      if (table === 'post_search') return `(${slots[0]}, to_tsvector('simple', ${slots[1]}))`;
      return `(${slots.join(', ')})`;
    });
    const names = table === 'post_search' ? ['post_id', 'document'] : columns;
    await client.query(`INSERT INTO ${table} (${names.join(', ')}) VALUES ${tuples.join(', ')}`, params);
  };

  return {
    dialect: 'postgres',
    async countUsers() {
      const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM users');
      return Number(rows[0]?.n ?? 0);
    },
    async clear() {
      const { rows } = await client.query<{ name: string }>(
        `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT LIKE 'kysely_%'`,
      );
      if (rows.length > 0) await client.query(`TRUNCATE ${rows.map((r) => `"${r.name}"`).join(', ')} CASCADE`);
    },
    async write(batches: Batch[]) {
      await client.query('BEGIN');
      try {
        for (const batch of batches) {
          for (let i = 0; i < batch.rows.length; i += ROWS_PER_INSERT) {
            await insert(batch.table, batch.rows.slice(i, i + ROWS_PER_INSERT));
          }
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    },
    async finish() {
      // Only the seeded tables: a bare ANALYZE would walk every schema in the database.
      await client.query(`ANALYZE ${Object.keys(COLUMNS).join(', ')}`);
    },
    async close() {
      await client.end();
    },
  };
}
