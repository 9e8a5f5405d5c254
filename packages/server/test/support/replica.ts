import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { appendFile, chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import pg from 'pg';

const run = promisify(execFile);

/**
 * A throwaway Postgres primary and a streaming hot standby of it, each its own cluster on a free
 * port of 127.0.0.1: `initdb` for the primary (wal_level=replica, a `replication` line in its
 * pg_hba.conf, trust on 127.0.0.1), then `pg_basebackup -R` into a second data folder started as a
 * standby. Nothing is shared between test files; `stop()` removes both clusters and their folder.
 */
export interface ReplicaPair {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` of the primary. */
  primaryUrl: string;
  /** The same of the standby (read-only). */
  replicaUrl: string;
  /** Stops the standby at once, as a crash would (`pg_ctl stop -m immediate`). */
  stopReplica(): Promise<void>;
  /** Starts the standby again; resolves once it accepts connections. */
  startReplica(): Promise<void>;
  /** Runs SQL on the standby (e.g. `select pg_wal_replay_pause()`). */
  queryReplica(text: string): Promise<pg.QueryResult>;
  /** Stops both clusters and deletes their data. Safe to call more than once. */
  stop(): Promise<void>;
}

/** The folder of the Postgres server binaries (the newest installed), or undefined when there are none. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'pg_basebackup')) && existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

/** Why a replica pair cannot be made on this machine, or undefined when it can. */
export function replicaUnavailableReason(): string | undefined {
  if (postgresBinDir() === undefined) return 'no Postgres server binaries under /usr/lib/postgresql/*/bin';
  if (process.getuid?.() === 0 && !existsSync('/usr/sbin/runuser') && !existsSync('/sbin/runuser')) {
    return 'running as root without runuser (initdb refuses root)';
  }
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export async function startReplicaPair(): Promise<ReplicaPair> {
  const bin = postgresBinDir();
  if (bin === undefined) throw new Error('no Postgres server binaries under /usr/lib/postgresql/*/bin');
  const asRoot = process.getuid?.() === 0;
  // initdb and postgres refuse to run as root: run them as the postgres account, which owns the folder.
  const pgCommand = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : run(join(bin, tool), args);

  const dir = await mkdtemp(join(tmpdir(), 'aperture-replica-'));
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  await chmod(dir, 0o700);
  const primaryDir = join(dir, 'primary');
  const replicaDir = join(dir, 'replica');
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const started = new Set<string>();

  const startCluster = async (dataDir: string, port: number) => {
    // The socket goes in the temp folder too: /var/run/postgresql may not be writable, and no
    // other cluster on the machine is touched.
    await pgCommand('pg_ctl', [
      '-D',
      dataDir,
      '-l',
      join(dir, `${port}.log`),
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`,
      '-w',
      '-t',
      '60',
      'start',
    ]);
    started.add(dataDir);
  };
  const stopCluster = async (dataDir: string, mode: 'fast' | 'immediate') => {
    if (!started.has(dataDir)) return;
    await pgCommand('pg_ctl', ['-D', dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
    started.delete(dataDir);
  };

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await stopCluster(replicaDir, 'immediate').catch(() => {});
      await stopCluster(primaryDir, 'immediate').catch(() => {});
      await rm(dir, { recursive: true, force: true });
    })());

  try {
    await pgCommand('initdb', ['-D', primaryDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
    await appendFile(
      join(primaryDir, 'postgresql.conf'),
      [
        'wal_level = replica',
        'max_wal_senders = 4',
        'hot_standby = on',
        // Test clusters: durability is not the subject, and the box is shared.
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        'shared_buffers = 16MB',
        'max_connections = 40',
        '',
      ].join('\n'),
    );
    await appendFile(join(primaryDir, 'pg_hba.conf'), 'host replication all 127.0.0.1/32 trust\n');
    await startCluster(primaryDir, primaryPort);
    await pgCommand('pg_basebackup', [
      '-h',
      '127.0.0.1',
      '-p',
      String(primaryPort),
      '-U',
      'postgres',
      '-D',
      replicaDir,
      '-R',
      '--checkpoint=fast',
      '--no-sync',
    ]);
    await startCluster(replicaDir, replicaPort);
  } catch (err) {
    await stop();
    throw err;
  }

  const replicaUrl = `postgres://postgres@127.0.0.1:${replicaPort}/postgres`;
  return {
    primaryUrl: `postgres://postgres@127.0.0.1:${primaryPort}/postgres`,
    replicaUrl,
    stopReplica: () => stopCluster(replicaDir, 'immediate'),
    startReplica: () => startCluster(replicaDir, replicaPort),
    async queryReplica(text) {
      const client = new pg.Client({ connectionString: replicaUrl });
      await client.connect();
      try {
        return await client.query(text);
      } finally {
        await client.end();
      }
    },
    stop,
  };
}
