import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import pg from 'pg';

import { migrateToLatest, openDatabase } from '../../src/db/index.js';
import type { DatabaseConfig, Db } from '../../src/db/index.js';

/** One fresh, isolated database. `cleanup` closes `db` and deletes everything it made. */
export interface TestDatabase {
  config: DatabaseConfig;
  db: Db;
  cleanup(): Promise<void>;
}

export interface CreateOptions {
  /** Apply every migration before returning (default true). */
  migrate?: boolean;
}

export interface TestDialect {
  name: 'sqlite' | 'postgres';
  create(options?: CreateOptions): Promise<TestDatabase>;
}

/** The database tests may create schemas in, or undefined when the Postgres half is not run. */
export function postgresTestUrl(): string | undefined {
  const url = process.env['APERTURE_TEST_POSTGRES_URL']?.trim();
  return url ? url : undefined;
}

async function prepare(config: DatabaseConfig, options: CreateOptions, drop: () => Promise<void>) {
  let db: Db | undefined;
  const cleanup = async (): Promise<void> => {
    try {
      await db?.close();
    } finally {
      await drop();
    }
  };
  try {
    db = await openDatabase(config);
    if (options.migrate ?? true) await migrateToLatest(db);
    return { config, db, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

export const sqliteDialect: TestDialect = {
  name: 'sqlite',
  async create(options = {}) {
    const dir = await mkdtemp(join(tmpdir(), 'aperture-db-'));
    const config: DatabaseConfig = { kind: 'sqlite', path: join(dir, 'aperture.db') };
    return prepare(config, options, () => rm(dir, { recursive: true, force: true }));
  },
};

/** A Postgres dialect on `url`: each `create()` gets its own schema `t_<random>`. */
export function postgresDialect(url: string): TestDialect {
  return {
    name: 'postgres',
    async create(options = {}) {
      const schema = `t_${randomBytes(6).toString('hex')}`;
      const config: DatabaseConfig = { kind: 'postgres', url, schema };
      return prepare(config, options, () => dropSchema(url, schema));
    },
  };
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

/**
 * Every backend the server suite runs on: `describe.each(DIALECTS)('…', (dialect) => …)`.
 * Postgres joins when APERTURE_TEST_POSTGRES_URL is set; global-setup.ts says loudly when it is not.
 */
export const DIALECTS: TestDialect[] = (() => {
  const url = postgresTestUrl();
  return url === undefined ? [sqliteDialect] : [sqliteDialect, postgresDialect(url)];
})();
