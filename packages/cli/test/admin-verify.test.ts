import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEphemeralServer, type EphemeralServer, type StorageReport } from '@aperture/server';
import { originalKey } from '../../server/src/modules/media/keys.js';
import { createCliHome, requireBuild, type CliHome } from './support/cli.js';

let server: EphemeralServer;
let home: CliHome;

beforeAll(async () => {
  requireBuild();
  server = await startEphemeralServer();
  home = await createCliHome();
});
afterAll(async () => {
  await home?.cleanup();
  await server?.stop();
});

describe('aperture admin verify', () => {
  it('exits 3 while leftovers older than the grace period remain, and 0 once --repair removed them', async () => {
    const verify = async (...args: string[]) => {
      const result = await home.run(['admin', 'verify', '--data-dir', server.dataDir, ...args]);
      return { ...result, report: args.includes('--json') ? (JSON.parse(result.stdout) as StorageReport) : undefined };
    };
    expect((await verify()).code).toBe(0);

    // What a crash leaves: an original whose row was deleted, a temp file never renamed into place.
    await server.server.blobs.put(originalKey('900000000000000001'), Buffer.from('an original nobody owns'));
    const temp = join(server.dataDir, 'media', '~tmp', 'left.tmp');
    await mkdir(join(server.dataDir, 'media', '~tmp'), { recursive: true });
    await writeFile(temp, 'half a photo');
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    await utimes(temp, twoHoursAgo, twoHoursAgo);

    // The original is younger than the default 60 minutes: it may be a write in flight.
    const first = await verify('--json');
    expect(first.code).toBe(3);
    expect(first.report).toMatchObject({
      blobStore: 'disk',
      graceMinutes: 60,
      problems: 1,
      orphans: { originals: { stale: 0, young: 1, removed: 0 }, scratch: { stale: 1, young: 0, removed: 0 } },
      missing: [],
    });
    expect(first.stderr).toContain('1 problem(s) remain; --repair fixes what it can.');

    const human = await verify('--grace', '0');
    expect(human.code).toBe(3);
    // Piped: the leftovers table as tab-separated lines (kind, stale, young, removed), then the verdict.
    expect(human.stdout).toMatch(/^originals\t1\t0\t0$/m);
    expect(human.stdout).toMatch(/^temp files\t1\t0\t0$/m);
    expect(human.stdout).toContain('2 problem(s) remain (disk).');

    const repaired = await verify('--repair', '--grace', '0', '--json');
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(repaired.report?.orphans.originals).toEqual({ stale: 1, young: 0, removed: 1 });
    expect(repaired.report?.orphans.scratch).toEqual({ stale: 1, young: 0, removed: 1 });
    expect(await server.server.blobs.head(originalKey('900000000000000001'))).toBeNull();

    const clean = await verify('--grace', '0');
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('Healthy (disk');
    expect((await verify('--grace', 'soon')).code).toBe(2);
  });
});
