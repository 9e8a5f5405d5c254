import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createServer,
  loadConfig,
  startEphemeralServer,
  type BackupResult,
  type EphemeralServer,
  type MoveResult,
  type RestoreResult,
} from '@aperture/server';
import { buildWorld } from '../../server/test/support/deployments.js';
import { callTrpc } from '../../server/test/support/server.js';
import { createCliHome, requireBuild, type CliHome } from './support/cli.js';

let server: EphemeralServer;
let home: CliHome;
let scratch: string;

beforeAll(async () => {
  requireBuild();
  server = await startEphemeralServer({
    APERTURE_RATE_LIMIT_PASSWORD_PER_MIN: '100000',
    // buildWorld adds a media blocklist entry as anna.
  });
  home = await createCliHome();
  scratch = await mkdtemp(join(tmpdir(), 'aperture-cli-backup-'));
});
afterAll(async () => {
  await home?.cleanup();
  await server?.stop();
  await rm(scratch, { recursive: true, force: true });
});

describe('aperture admin backup / restore / move', () => {
  it('backs up a serving deployment, restores it into an empty one, refuses a used one, and moves it', async () => {
    const { tokens } = await buildWorld(server.url, server.server);
    const backupDir = join(scratch, 'backup');

    // Taken while the server is running: SQLite's online backup API needs no pause.
    const taken = await home.run(['admin', 'backup', '--to', backupDir, '--data-dir', server.dataDir, '--json']);
    expect(taken.code, taken.stderr).toBe(0);
    const backup = JSON.parse(taken.stdout) as BackupResult;
    expect(backup.tables['users']).toBe(3);
    expect(backup.blobs.count).toBeGreaterThan(5);
    expect(backup.missingBlobs).toEqual([]);

    const restoredDir = join(scratch, 'restored');
    const restored = await home.run(['admin', 'restore', '--from', backupDir, '--data-dir', restoredDir, '--json']);
    expect(restored.code, restored.stderr).toBe(0);
    expect((JSON.parse(restored.stdout) as RestoreResult).tables).toEqual(backup.tables);

    const again = await home.run(['admin', 'restore', '--from', backupDir, '--data-dir', restoredDir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/Restore failed: The target database is not empty/);

    const verified = await home.run(['admin', 'verify', '--data-dir', restoredDir, '--grace', '0']);
    expect(verified.code, verified.stdout).toBe(0);

    // Off the embedded default: the restored deployment (stopped) moves to another database file and
    // media folder; a server started on them knows the old session.
    const target = { db: join(scratch, 'moved', 'aperture.db'), media: join(scratch, 'moved', 'media') };
    const moved = await home.run([
      'admin',
      'move',
      '--to-database',
      `sqlite:${target.db}`,
      '--to-media',
      `file:${target.media}`,
      '--data-dir',
      restoredDir,
      '--json',
    ]);
    expect(moved.code, moved.stderr).toBe(0);
    const result = JSON.parse(moved.stdout) as MoveResult;
    expect(result.env).toEqual({
      APERTURE_DATABASE_URL: `sqlite:${target.db}`,
      APERTURE_MEDIA_URL: `file:${target.media}`,
    });
    expect(result.tables).toEqual(backup.tables);

    const started = await createServer(
      loadConfig({
        APERTURE_DATA_DIR: join(scratch, 'moved-data'),
        APERTURE_PORT: '0',
        APERTURE_LOG_LEVEL: 'silent',
        ...result.env,
      }),
    );
    const url = await started.start();
    try {
      const me = await callTrpc<{ username: string }>(url, 'accounts.me', { type: 'query', token: tokens['anna']! });
      expect(me.body.result?.data.username, JSON.stringify(me.body)).toBe('anna');
    } finally {
      await started.stop();
    }
    expect((await home.run(['admin', 'move', '--data-dir', restoredDir])).code).toBe(2);
  }, 120_000);
});
