import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';

import { parsePgTimestamp } from './pg-timestamp.js';
import { ResultNormaliserPlugin } from './result-plugin.js';
import type { Database } from './schema.js';

const OID_INT8 = 20;
const OID_TIMESTAMP = 1114;
const OID_TIMESTAMPTZ = 1184;

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export class DatabaseConnectError extends Error {
  override readonly name = 'DatabaseConnectError';
}

export interface OpenedPostgres {
  kysely: Kysely<Database>;
  /** The schema tables live in: the configured one, or the server's `current_schema()`. */
  schema: string;
}

/**
 * Parsers for this pool only: pg's global `types` registry is shared by every Pool in the process
 * (and by other libraries), so changing it would leak Aperture's row shapes into them.
 * int8 → BigInt keeps 64-bit ids exact (result-plugin.ts turns them into strings or numbers);
 * timestamps → ISO strings, the shape SQLite stores, instead of Date objects.
 */
function typeParsers(): pg.CustomTypesConfig {
  const types = new pg.TypeOverrides();
  types.setTypeParser(OID_INT8, 'text', (text: string) => BigInt(text));
  types.setTypeParser(OID_TIMESTAMPTZ, 'text', parsePgTimestamp);
  types.setTypeParser(OID_TIMESTAMP, 'text', parsePgTimestamp);
  return types;
}

/**
 * A Kysely over a fresh pool, without touching the server: every connection sets the session up
 * Aperture's row shapes need. `openPostgres` checks the server answers; a read replica's handle
 * does not (a replica that is down at start must not stop the server).
 */
export function createPostgresKysely(url: string, schema: string | undefined): Kysely<Database> {
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error(`Invalid Postgres schema name ${JSON.stringify(schema)}: use letters, digits and _.`);
  }
  const pool = new pg.Pool({
    connectionString: url,
    types: typeParsers(),
    application_name: 'aperture',
    // pg waits forever for a connection by default; an unreachable server should fail the request.
    connectionTimeoutMillis: 10_000,
  });
  // An idle connection the server drops emits 'error' on the pool, which would crash the process
  // if unhandled. The pool has already discarded that client; the next query opens a fresh one.
  pool.on('error', () => {});
  // The pool listens for that only while a client is idle. A client checked out between two
  // queries (a transaction awaiting other work) whose connection drops — Postgres restarting, an
  // admin terminating backends — emits 'error' with no listener, which kills the process. The
  // client is unusable then: its next query fails (UNAVAILABLE to the caller) and the pool
  // discards it on release, so the next request gets a fresh connection.
  pool.on('connect', (client) => {
    client.on('error', () => {});
    sendHotStatementsNamed(client);
  });

  const setup = [
    // Parsers above expect ISO output; UTC keeps `::text` casts and logs unambiguous too.
    `set datestyle to 'ISO, MDY'`,
    `set time zone 'UTC'`,
    ...(schema === undefined ? [] : [`set search_path to "${schema}"`]),
  ];
  return new Kysely<Database>({
    dialect: new PostgresDialect({
      pool,
      // Runs once per new connection, before Kysely hands it to any query.
      onCreateConnection: async (connection) => {
        for (const statement of setup) await connection.executeQuery(CompiledQuery.raw(statement));
      },
    }),
    plugins: [new ResultNormaliserPlugin()],
  });
}

/**
 * The hot statements (`preparedQuery`'s, run on every feed page and every authenticated request),
 * by SQL text → the name they are prepared under. Kysely sends every statement unnamed, so
 * Postgres parses and plans it on every execution: on a feed page that was most of the backends'
 * CPU. A named statement is parsed once per connection and its plan reused.
 */
const hotStatements = new Map<string, string>();

/** Marks a statement text as hot: from now on every connection prepares it once, by name. */
export function nameHotStatement(text: string): void {
  if (!hotStatements.has(text)) hotStatements.set(text, `aperture_hot_${hotStatements.size + 1}`);
}

/** SQLSTATE 0A000 "cached plan must not change result type": the table changed under a prepared `select *`. */
const CACHED_PLAN_CHANGED = '0A000';

/**
 * Sends this client's hot statements as named ones (pg prepares each once per connection). A
 * migration run by another process can change a table a named statement reads (`select *` of a
 * table that gained a column): Postgres then refuses the prepared plan, and this connection runs
 * that text unnamed from then on, as every other statement.
 */
function sendHotStatementsNamed(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => Promise<pg.QueryResult>;
  const stale = new Set<string>();
  const named = async (name: string, text: string, values: unknown[]): Promise<pg.QueryResult> => {
    try {
      return await query({ name, text, values });
    } catch (err) {
      const code = typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
      if (code !== CACHED_PLAN_CHANGED) throw err;
      stale.add(text);
      return query(text, values);
    }
  };
  // Kysely calls `query(text, values)`; everything else (cursors, callbacks, configs) passes through.
  (client as { query: unknown }).query = (...args: unknown[]) => {
    const [text, values, callback] = args;
    const name = typeof text === 'string' && !stale.has(text) ? hotStatements.get(text) : undefined;
    if (name === undefined || !Array.isArray(values) || callback !== undefined) return query(...args);
    return named(name, text as string, values);
  };
}

export async function openPostgres(url: string, schema: string | undefined): Promise<OpenedPostgres> {
  const kysely = createPostgresKysely(url, schema);

  try {
    if (schema !== undefined) await createSchema(kysely, schema);
    const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(kysely);
    const current = rows[0]?.schema;
    if (!current) throw new Error('current_schema() is null: the search_path names no existing schema');
    return { kysely, schema: current };
  } catch (err) {
    await kysely.destroy().catch(() => {});
    const reason = err instanceof Error ? err.message : String(err);
    throw new DatabaseConnectError(`Could not open Postgres at ${redactDatabaseUrl(url)}: ${reason}`, {
      cause: err,
    });
  }
}

async function createSchema(kysely: Kysely<Database>, schema: string): Promise<void> {
  try {
    await kysely.schema.createSchema(schema).ifNotExists().execute();
  } catch (err) {
    // Two processes creating the same schema at once can both pass IF NOT EXISTS; one then fails
    // on the catalog's unique index. The schema exists either way.
    const code = typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
    if (code !== '23505' && code !== '42P06') throw err;
  }
}

/** The URL with its password replaced, fit for logs and error messages. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable database URL>';
  }
}
