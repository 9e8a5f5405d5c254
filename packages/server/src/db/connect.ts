import { sql } from 'kysely';
import type { Kysely } from 'kysely';

import { postgresCapabilities, sqliteCapabilities } from './capabilities.js';
import type { DialectCapabilities } from './capabilities.js';
import { openPostgres } from './postgres.js';
import type { Database } from './schema.js';
import { openSqlite } from './sqlite.js';

export type DatabaseConfig =
  | { kind: 'sqlite'; path: string }
  /** `schema`: every connection's search_path; created if missing. Default: the server's. */
  | { kind: 'postgres'; url: string; schema?: string };

/**
 * An open database. Rows come back in the shapes documented in `schema.ts` on both dialects:
 * ids as decimal strings, timestamps as ISO strings, other integers (including `count(*)`) as
 * numbers. Write timestamps as `Date#toISOString()` strings: SQLite stores and compares them as text.
 */
export interface Db {
  readonly kysely: Kysely<Database>;
  readonly caps: DialectCapabilities;
  /** The Postgres schema the tables live in; undefined on SQLite. */
  readonly schema: string | undefined;
  /** Resolves when the database answers a query (for /readyz). */
  ping(): Promise<void>;
  /** Closes every connection. Safe to call more than once. */
  close(): Promise<void>;
}

export async function openDatabase(config: DatabaseConfig): Promise<Db> {
  switch (config.kind) {
    case 'sqlite':
      return wrap(openSqlite(config.path), sqliteCapabilities, undefined);
    case 'postgres': {
      const { kysely, schema } = await openPostgres(config.url, config.schema);
      return wrap(kysely, postgresCapabilities, schema);
    }
  }
}

function wrap(kysely: Kysely<Database>, caps: DialectCapabilities, schema: string | undefined): Db {
  let closing: Promise<void> | undefined;
  return {
    kysely,
    caps,
    schema,
    async ping() {
      await sql`select 1`.execute(kysely);
    },
    close() {
      closing ??= kysely.destroy();
      return closing;
    },
  };
}
