import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ScratchReport } from '../blob-store.js';
import { isCode } from '../../lib/errno.js';

/**
 * Removes what interrupted writes leave in a disk store's private folders, when last written before
 * `olderThan`: temp files in `tmpDir` (a crash between writing one and renaming it into place), and
 * entries of `multipartDir` that are not upload folders with a manifest (a crash while creating
 * one). A file being written has a fresh mtime, so a cut-off well in the past never races it.
 */
export async function sweepLocalScratch(
  dirs: { tmpDir: string; multipartDir: string },
  olderThan: Date,
  dryRun: boolean,
): Promise<ScratchReport> {
  const report: ScratchReport = { stale: 0, removed: 0, young: 0 };
  const consider = async (entryPath: string, modified: Date) => {
    if (modified >= olderThan) {
      report.young++;
      return;
    }
    report.stale++;
    if (dryRun) return;
    await rm(entryPath, { recursive: true, force: true });
    report.removed++;
  };
  for (const name of await names(dirs.tmpDir)) {
    const info = await statOrNull(path.join(dirs.tmpDir, name));
    if (info) await consider(path.join(dirs.tmpDir, name), info.mtime);
  }
  for (const name of await names(dirs.multipartDir)) {
    const entry = path.join(dirs.multipartDir, name);
    const info = await statOrNull(entry);
    if (!info) continue;
    // A real upload (with its manifest) is listed by listMultipartUploads and judged by its owner.
    if (info.isDirectory() && (await statOrNull(path.join(entry, 'manifest.json')))) continue;
    await consider(entry, info.mtime);
  }
  return report;
}

async function names(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (isCode(error, 'ENOENT')) return [];
    throw error;
  }
}

async function statOrNull(file: string) {
  try {
    return await stat(file);
  } catch (error) {
    if (isCode(error, 'ENOENT')) return null;
    throw error;
  }
}
