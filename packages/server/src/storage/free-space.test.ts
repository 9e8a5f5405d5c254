import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StorageFullError } from './errors.js';
import { FreeSpaceGuard } from './free-space.js';

const MiB = 1024 * 1024;

describe('FreeSpaceGuard', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'aperture-free-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A volume per folder, whose free bytes the test sets; counts the readings. */
  function volumes(free: Record<string, number>) {
    const probed: string[] = [];
    return {
      free,
      probed,
      probe: async (folder: string) => {
        probed.push(folder);
        return free[folder] ?? 0;
      },
    };
  }

  it('refuses below the floor on the tightest of its folders, and names it', async () => {
    const media = path.join(dir, 'media');
    const v = volumes({ [dir]: 10 * MiB });
    // `media` does not exist yet: its nearest existing parent is measured instead.
    const guard = new FreeSpaceGuard({ paths: [dir, media], minFreeBytes: 4 * MiB, cacheMs: 0, probe: v.probe });
    await expect(guard.assertRoom()).resolves.toBeUndefined();
    await expect(guard.check()).resolves.toBeUndefined();
    expect(v.probed).toContain(dir);

    v.free[dir] = 3 * MiB;
    await expect(guard.assertRoom()).rejects.toBeInstanceOf(StorageFullError);
    await expect(guard.check()).rejects.toThrow(/3\.0 MiB free at .*, below the 4\.0 MiB floor/);
    expect(await guard.read()).toMatchObject({ ok: false, freeBytes: 3 * MiB, minFreeBytes: 4 * MiB });
  });

  it("refuses a scratch copy that would take any folder's volume below the floor, measured afresh", async () => {
    const scratch = path.join(dir, 'scratch', 'video');
    const v = volumes({ [dir]: 10 * MiB });
    // The scratch folder is not watched (no `paths`), and the cache would hide the change: neither matters.
    const guard = new FreeSpaceGuard({ paths: [], minFreeBytes: 4 * MiB, probe: v.probe });
    await expect(guard.assertRoomFor(scratch, 6 * MiB)).resolves.toBeUndefined();
    await expect(guard.assertRoomFor(scratch, 6 * MiB + 1)).rejects.toThrow(
      /10\.0 MiB free at .*scratch.video: a copy of 6\.0 MiB would leave less than the 4\.0 MiB floor/,
    );
    v.free[dir] = 5 * MiB;
    await expect(guard.assertRoomFor(scratch, 2 * MiB)).rejects.toBeInstanceOf(StorageFullError);
    expect(v.probed).toEqual([dir, dir, dir]);
    // A floor of 0 checks nothing.
    const off = new FreeSpaceGuard({ paths: [], minFreeBytes: 0, probe: v.probe });
    await expect(off.assertRoomFor(scratch, 100 * MiB)).resolves.toBeUndefined();
    expect(v.probed).toHaveLength(3);
  });

  it('reads at most once per cache period, however many requests ask', async () => {
    let now = 0;
    const v = volumes({ [dir]: 10 * MiB });
    const guard = new FreeSpaceGuard({
      paths: [dir],
      minFreeBytes: MiB,
      cacheMs: 1_000,
      clock: () => now,
      probe: v.probe,
    });
    await Promise.all(Array.from({ length: 50 }, () => guard.assertRoom()));
    now = 999;
    await guard.assertRoom();
    expect(v.probed).toHaveLength(1);
    now = 1_000;
    await guard.assertRoom();
    expect(v.probed).toHaveLength(2);
  });

  it('watches nothing with a floor of 0 or no local folder (S3 over Postgres)', async () => {
    const v = volumes({});
    await new FreeSpaceGuard({ paths: [dir], minFreeBytes: 0, probe: v.probe }).assertRoom();
    await new FreeSpaceGuard({ paths: [], minFreeBytes: MiB, probe: v.probe }).check();
    expect(v.probed).toHaveLength(0);
  });

  it('lets writes through when free space cannot be read, and says so in /readyz', async () => {
    const guard = new FreeSpaceGuard({
      paths: [dir],
      minFreeBytes: MiB,
      probe: () => Promise.reject(new Error('EACCES: permission denied')),
    });
    await expect(guard.assertRoom()).resolves.toBeUndefined();
    await expect(guard.check()).rejects.toThrow(/free space unknown: EACCES/);
  });

  it('measures a real volume with statfs by default', async () => {
    const reading = await new FreeSpaceGuard({ paths: [dir], minFreeBytes: 1 }).read();
    expect(reading.freeBytes).toBeGreaterThan(0);
    expect(reading.ok).toBe(true);
  });
});
