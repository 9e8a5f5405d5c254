import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { FreeSpaceGuard } from '../../../storage/free-space.js';

/** Where a video's local copies go (APERTURE_VIDEO_TEMP_DIR), and the free-space floor they keep to. */
export interface VideoScratch {
  dir: string;
  space: Pick<FreeSpaceGuard, 'assertRoomFor'>;
}

/**
 * Runs `work` in a private folder under the scratch folder, removed afterwards whatever happens.
 * Made only when `bytes` (what `work` will write there) fit above APERTURE_MIN_FREE_MB on that
 * volume: otherwise StorageFullError, before a byte is written, as every other write of the server
 * is refused on a nearly full disk.
 */
export async function inScratchFolder<T>(
  scratch: VideoScratch,
  bytes: number,
  work: (dir: string) => Promise<T>,
): Promise<T> {
  await scratch.space.assertRoomFor(scratch.dir, bytes);
  await mkdir(scratch.dir, { recursive: true });
  const dir = await mkdtemp(path.join(scratch.dir, 'aperture-video-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
