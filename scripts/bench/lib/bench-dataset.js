// The seeded dataset a benchmark runs on, on either dialect, and a plain reader of it.
// - SQLite (default): `aperture.db` in a temporary directory, or in `--data DIR`, which keeps it and
//   reuses it next time.
// - Postgres (`--dialect postgres`): a fresh database named after `--postgres-url` with a unique
//   suffix, created and dropped by the benchmark; or `--database-url URL`, which keeps its database
//   (created when missing) and reuses what it holds, as `--data` does on SQLite.
// Either way an empty dataset is seeded with `@aperture/loadgen`'s seedDataset, the same one
// `aperture loadgen seed` builds; a seeded one is reused, its user count read from it.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { seedDataset } from '@aperture/loadgen';
import { flag, wordFlag } from './open-model.js';

export const DIALECTS = ['sqlite', 'postgres'];
const DEFAULT_POSTGRES = 'postgres://postgres@127.0.0.1:5432/aperture_bench';

/** SQL with `?` placeholders on either dialect: all(sql, params) → rows; close(). */
function sqliteReader(file) {
  const db = new Database(file, { readonly: true });
  return {
    all: async (text, params = []) => db.prepare(text).all(...params),
    close: async () => db.close(),
  };
}

function postgresReader(url) {
  const pool = new pg.Pool({ connectionString: url, max: 2, application_name: 'aperture-bench-reader' });
  pool.on('error', () => {});
  return {
    all: async (text, params = []) => {
      let n = 0;
      return (
        await pool.query(
          text.replace(/\?/g, () => `$${++n}`),
          params,
        )
      ).rows;
    },
    close: () => pool.end(),
  };
}

/** A reader of the database at `databaseUrl` (`sqlite:<file>` or `postgres://…`). */
export function openReader(databaseUrl) {
  return databaseUrl.startsWith('sqlite:')
    ? sqliteReader(databaseUrl.slice('sqlite:'.length))
    : postgresReader(databaseUrl);
}

/** Runs `statement` on the server of `url`, connected to its `postgres` maintenance database. */
async function onServer(url, statement) {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  admin.search = '';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    return await client.query(statement);
  } finally {
    await client.end();
  }
}

const databaseName = (url) => decodeURIComponent(new URL(url).pathname.slice(1));
const quoted = (name) => `"${name.replace(/"/g, '""')}"`;

async function createDatabase(url, { ifMissing }) {
  const name = databaseName(url);
  if (ifMissing) {
    const found = await onServer(url, { text: 'SELECT 1 FROM pg_database WHERE datname = $1', values: [name] });
    if (found.rowCount > 0) return;
  }
  await onServer(url, `CREATE DATABASE ${quoted(name)}`);
}

/**
 * The dataset of `flags`, seeded if empty. Returns its dialect, the server's APERTURE_DATABASE_URL,
 * a data directory (the SQLite file's, or a scratch one for the secret and blobs on Postgres), the
 * user count, the seed the session tokens derive from, a reader, and close() (drops what was fresh).
 */
export async function openDataset(flags, { name, users: defaultUsers }) {
  const dialect = wordFlag(flags, 'dialect', 'sqlite');
  if (!DIALECTS.includes(dialect)) throw new Error(`--dialect: ${dialect} (known: ${DIALECTS.join(', ')})`);
  const seed = flag(flags, 'seed', 1);
  const keep = wordFlag(flags, 'data', undefined);
  const keptUrl = wordFlag(flags, 'database-url', undefined);
  if (dialect === 'sqlite' && keptUrl) throw new Error('--database-url is for --dialect postgres (SQLite: --data DIR)');
  const dataDir = keep ? path.resolve(keep) : await mkdtemp(path.join(tmpdir(), `aperture-bench-${name}-`));
  if (keep) await mkdir(dataDir, { recursive: true });
  const cleanups = keep ? [] : [() => rm(dataDir, { recursive: true, force: true })];

  let databaseUrl;
  let reader;
  if (dialect === 'sqlite') {
    const file = path.join(dataDir, 'aperture.db');
    databaseUrl = `sqlite:${file}`;
    reader = existsSync(file) ? sqliteReader(file) : undefined;
  } else {
    if (keptUrl) {
      databaseUrl = keptUrl;
      await createDatabase(databaseUrl, { ifMissing: true });
    } else {
      const server = new URL(wordFlag(flags, 'postgres-url', DEFAULT_POSTGRES));
      server.pathname = `/${databaseName(server.toString())}_${name}_${process.pid}_${Date.now().toString(36)}`;
      databaseUrl = server.toString();
      await createDatabase(databaseUrl, { ifMissing: false });
      cleanups.push(() =>
        onServer(databaseUrl, `DROP DATABASE IF EXISTS ${quoted(databaseName(databaseUrl))} WITH (FORCE)`),
      );
    }
    reader = postgresReader(databaseUrl);
  }
  const close = async () => {
    await reader?.close();
    for (const cleanup of cleanups.reverse()) await cleanup();
  };

  try {
    const seeded = reader ? await countUsers(reader) : 0;
    let users;
    if (seeded > 0) {
      users = seeded; // its tokens come from --seed, which must be the one it was seeded with
      console.log(`reusing the dataset in ${keep ? dataDir : redact(databaseUrl)}: ${users} users`);
    } else {
      users = flag(flags, 'users', defaultUsers);
      const summary = await seedDataset({
        databaseUrl,
        users,
        postsPerUser: flag(flags, 'posts-per-user', 10),
        followDistribution: 'powerlaw',
        followsMin: flag(flags, 'follows-min', 50),
        followsMax: flag(flags, 'follows-max', 200),
        seed,
      });
      console.log(`seeded in ${summary.seconds.toFixed(1)} s:`, summary);
      reader ??= openReader(databaseUrl);
    }
    return { dialect, databaseUrl, dataDir, users, seed, reader, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function countUsers(reader) {
  try {
    return Number((await reader.all('SELECT count(*) AS n FROM users'))[0].n);
  } catch (error) {
    if (error.code === '42P01' || /no such table/.test(error.message)) return 0; // not migrated yet
    throw error;
  }
}

function redact(url) {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
