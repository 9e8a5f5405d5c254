import { PostgresAdapter, sql } from 'kysely';
import type { AliasedRawBuilder, Compilable, CompiledQuery, DialectAdapter, Expression, Kysely, SqlBool } from 'kysely';

import { isCanonicalId } from '../ids/canonical.js';
import { jsonIdList } from './json-params.js';
import { nameHotStatement } from './postgres.js';
import { readDirectly } from './sqlite.js';
import type { Database } from './schema.js';

export { MAX_ID } from '../ids/canonical.js';

type Dialect = 'sqlite' | 'postgres';
type ParamKind = 'value' | 'id' | 'ids';

/** A placeholder standing where a value goes while the query is compiled once. */
class ParamRef {
  constructor(
    readonly name: string,
    readonly kind: ParamKind,
  ) {}

  bind(value: unknown, dialect: Dialect): unknown {
    if (this.kind === 'ids') {
      if (!Array.isArray(value)) throw new TypeError(`prepared query parameter "${this.name}" must be a list of ids`);
      // SQLite reads the list with json_each; ids that are not canonical decimals name no row.
      if (dialect === 'sqlite') return jsonIdList(value as unknown[]);
      return (value as unknown[]).filter(isCanonicalId);
    }
    if (this.kind === 'id' && dialect === 'sqlite' && isCanonicalId(value)) return BigInt(value);
    return value;
  }
}

type IdListKeys<P> = { [K in keyof P]: P[K] extends readonly string[] ? K : never }[keyof P] & string;

/** How a prepared query's builder names its parameters. */
export interface ParamRefs<P> {
  /** A value bound as it is (text, numbers, timestamps). */
  value<K extends keyof P & string>(name: K): P[K];
  /** An id (`id`, `…_id` columns): bound as an integer on SQLite, like every other id. */
  id<K extends keyof P & string>(name: K): P[K];
  /** The right side of `in`: a list of ids, bound as one parameter whatever its length. */
  ids<K extends IdListKeys<P>>(name: K): Expression<string>;
  /**
   * `column` is one of a list of ids, bound as one parameter: `in (select value from json_each(?))`
   * on SQLite, `= any(?::bigint[])` on Postgres, which runs it as one index scan over the array
   * where `in (select unnest(…))` first builds a hash of the list (measured: ~25 % dearer a page read).
   */
  idIn<K extends IdListKeys<P>>(column: string, name: K): Expression<SqlBool>;
  /**
   * A list of ids as a table with one column, `value`, to select from or join: SQLite plans a join
   * against it as one index probe per id, where several `in (…)` lists in one compound select
   * made it ~10× slower.
   */
  idTable<K extends IdListKeys<P>, A extends string>(name: K, alias: A): AliasedRawBuilder<{ value: string }, A>;
}

export interface PreparedQuery<P, O> {
  /** Runs the query with these values (on the database or a transaction). */
  execute(db: Kysely<Database>, params: P): Promise<O[]>;
  executeTakeFirst(db: Kysely<Database>, params: P): Promise<O | undefined>;
}

/**
 * A hot query built and compiled once per database, then run with new values. Kysely builds an
 * operation tree, runs the plugins over it and compiles it to SQL on every call — ~25–40 µs per
 * query, more than running an indexed SQLite lookup, and a feed page runs a dozen. Here that work
 * happens once: the builder is called with placeholders, and each run only swaps the placeholders
 * in the compiled parameters for the values. Rows still pass through the result plugins, so they
 * come back in the shapes of `schema.ts` as from any other query. On Postgres the text is also
 * sent as a named statement (`nameHotStatement`), so the server parses and plans it once per
 * connection rather than on every run.
 *
 * The builder must have one shape whatever the values: no `$if` on a parameter, no list of
 * values (`ids()` binds a whole list as one parameter instead).
 */
export function preparedQuery<P, O>(
  build: (db: Kysely<Database>, params: ParamRefs<P>) => Compilable<O>,
): PreparedQuery<P, O> {
  // Keyed by the dialect adapter, which a database shares with its transactions.
  const compiled = new WeakMap<DialectAdapter, { query: CompiledQuery<O>; dialect: Dialect }>();

  const compileFor = (db: Kysely<Database>) => {
    const adapter = db.getExecutor().adapter;
    let entry = compiled.get(adapter);
    if (!entry) {
      const dialect: Dialect = adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
      entry = { query: build(db, paramRefs<P>(dialect)).compile(), dialect };
      if (dialect === 'postgres') nameHotStatement(entry.query.sql);
      compiled.set(adapter, entry);
    }
    return entry;
  };

  const execute = async (db: Kysely<Database>, params: P): Promise<O[]> => {
    const { query, dialect } = compileFor(db);
    const values = params as Record<string, unknown>;
    const parameters = query.parameters.map((p) => (p instanceof ParamRef ? p.bind(values[p.name], dialect) : p));
    const rows = dialect === 'sqlite' ? readDirectly(db, query.sql, parameters) : undefined;
    if (rows !== undefined) return rows as O[];
    const result = await db.executeQuery<O>({ ...query, parameters });
    return result.rows;
  };

  return {
    execute,
    async executeTakeFirst(db, params) {
      return (await execute(db, params))[0];
    },
  };
}

function paramRefs<P>(dialect: Dialect): ParamRefs<P> {
  return {
    value: (name) => new ParamRef(name, 'value') as never,
    id: (name) => new ParamRef(name, 'id') as never,
    ids: (name) =>
      dialect === 'sqlite'
        ? sql<string>`(select value from json_each(${new ParamRef(name, 'ids')}))`
        : sql<string>`(select unnest(${new ParamRef(name, 'ids')}::bigint[]))`,
    idIn: (column, name) =>
      dialect === 'sqlite'
        ? sql<SqlBool>`${sql.ref(column)} in (select value from json_each(${new ParamRef(name, 'ids')}))`
        : sql<SqlBool>`${sql.ref(column)} = any(${new ParamRef(name, 'ids')}::bigint[])`,
    idTable: (name, alias) =>
      (dialect === 'sqlite'
        ? sql<{ value: string }>`json_each(${new ParamRef(name, 'ids')})`
        : sql<{ value: string }>`(select unnest(${new ParamRef(name, 'ids')}::bigint[]) as value)`
      ).as(alias),
  };
}
