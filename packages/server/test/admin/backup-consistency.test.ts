import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { createBackup, restoreFromBackup, verifyStorage } from '../../src/index.js';
import { derivativeKey, originalKey } from '../../src/modules/media/keys.js';
import { DIALECTS, type TestDialect } from '../support/databases.js';
import { buildWorld, createDeployment, photo, type Deployment } from '../support/deployments.js';
import { uploadReady } from '../support/media.js';
import { callTrpc } from '../support/server.js';

const made: Deployment[] = [];
const dirs: string[] = [];
async function deployment(dialect: TestDialect, media: 'disk' | 's3'): Promise<Deployment> {
  const d = await createDeployment(dialect, media);
  made.push(d);
  return d;
}
afterAll(async () => {
  for (const d of made) await d.cleanup();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe.each(DIALECTS)('aperture admin verify on %s', (dialect) => {
  it('finds a missing derivative, a blob of the wrong size and an orphan', async () => {
    const d = await deployment(dialect, 'disk');
    const running = await d.serve();
    await buildWorld(running.url, running.server);
    await running.stop();

    const { db, blobs, close } = await d.open();
    try {
      const media = await db.kysely
        .selectFrom('media')
        .select(['id', 'original_key'])
        .where('status', '=', 'ready')
        .orderBy('id')
        .execute();
      const [lost, damaged] = media;
      await blobs.delete(derivativeKey(lost!.id, 'w320', 'webp'));
      await blobs.put(damaged!.original_key, Buffer.from('truncated'));
      await blobs.put(originalKey('900000000000000001'), Buffer.from('an original nobody owns'));
    } finally {
      await close();
    }

    const report = await verifyStorage(d.config, { graceMinutes: 0 });
    expect(report.missing).toHaveLength(1);
    expect(report.missing[0]!.missing).toEqual([expect.stringMatching(/\/w320\.webp$/)]);
    expect(report.wrongSize).toEqual([expect.objectContaining({ actual: 'truncated'.length })]);
    expect(report.orphans.originals.stale).toBe(1);
    expect(report.problems).toBe(3);
  }, 120_000);
});

describe.each(DIALECTS)('a backup taken on %s while photos are uploaded and posted', (dialect) => {
  it('holds every blob its rows need, and restores into a deployment verify finds healthy', async () => {
    const source = await deployment(dialect, 'disk');
    const running = await source.serve();
    const { tokens } = await buildWorld(running.url, running.server);
    let writing = true;
    let written = 0;
    const writer = (async () => {
      for (let i = 0; writing && i < 200; i++) {
        const mediaId = await uploadReady(running.url, tokens['anna']!, await photo((i * 7) % 256));
        await callTrpc(running.url, 'posts.create', {
          token: tokens['anna']!,
          input: { mediaIds: [mediaId], caption: `busy #${i}` },
        });
        written++;
      }
    })();
    try {
      // Wait for the writes to be under way, then back up in the middle of them.
      const deadline = Date.now() + 60_000;
      while (written < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(written).toBeGreaterThanOrEqual(2);
      const to = await mkdtemp(join(tmpdir(), 'aperture-backup-'));
      dirs.push(to);
      const taken = await createBackup(source.config, { to });
      writing = false;
      await writer;
      expect(taken.missingBlobs).toEqual([]);

      const target = await deployment(dialect, 'disk');
      await restoreFromBackup(target.config, { from: to });
      const report = await verifyStorage(target.config, { graceMinutes: 0 });
      expect(report.missing).toEqual([]);
      expect(report.wrongSize).toEqual([]);
      expect(report.problems).toBe(0);
    } finally {
      writing = false;
      await writer.catch(() => {});
      await running.stop();
    }
  }, 180_000);
});
