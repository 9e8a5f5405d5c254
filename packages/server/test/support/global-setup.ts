import { createRequire } from 'node:module';

import pg from 'pg';

import { redactDatabaseUrl } from '../../src/db/index.js';
import { postgresTestUrl } from './databases.js';
import { replicaUnavailableReason } from './replica.js';

/**
 * Runs once before the server suite: says which backends it covers, so a run that silently lost its
 * Postgres half cannot pass for a full one, and fails fast when a configured Postgres is unreachable.
 */
export default async function setup(): Promise<void> {
  const url = postgresTestUrl();
  const postgres = url === undefined ? undefined : await checkPostgres(url);
  const lines = [
    '',
    '== Aperture server suite: backends ==================================',
    '  SQLite:                yes (a real file per test database)',
    `  Postgres:              ${postgres ?? 'NO'}`,
    `  S3 (s3rver over HTTP): ${s3rverInstalled() ? 'yes' : 'NO (s3rver is not installed)'}`,
    `  Replica (Postgres primary + streaming standby): ${replicaLine()}`,
  ];
  if (url === undefined) {
    lines.push(
      '',
      '  !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
      '  !! WARNING: the Postgres half of the suite was NOT run.           !!',
      '  !! APERTURE_TEST_POSTGRES_URL is unset, so every database test    !!',
      '  !! ran on SQLite only. CI always sets it; to run it here:         !!',
      '  !!   APERTURE_TEST_POSTGRES_URL=postgres://user@host:5432/db      !!',
      '  !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
    );
  }
  lines.push('=====================================================================', '');
  console.log(lines.join('\n'));
}

async function checkPostgres(url: string): Promise<string> {
  const shown = redactDatabaseUrl(url);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ version: string; can_create: boolean }>(
      `select current_setting('server_version') as version,
              has_database_privilege(current_user, current_database(), 'CREATE') as can_create`,
    );
    const row = rows[0];
    if (!row?.can_create) throw new Error('the role may not create schemas in this database');
    return `yes (${shown}, server ${row.version})`;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(
      `APERTURE_TEST_POSTGRES_URL is set to ${shown}, but that Postgres cannot be used: ${reason}.\n` +
        'Start it, fix the URL, or unset the variable to run the SQLite half only.',
      { cause: err },
    );
  } finally {
    await client.end().catch(() => {});
  }
}

function replicaLine(): string {
  const missing = replicaUnavailableReason();
  return missing === undefined
    ? 'yes (throwaway clusters per test file)'
    : `NO (${missing}): the read-replica tests skip`;
}

function s3rverInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('s3rver');
    return true;
  } catch {
    return false;
  }
}
