import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { DatabaseConfig } from '../../../db/connect.js';
import { openDatabase } from '../../../db/connect.js';
import type { BlobStore } from '../../../storage/blob-store.js';
import type { MoveOptions, MoveResult } from '../types.js';
import { takeBackup } from './backup.js';
import { readManifest, restoreBackup } from './restore.js';
import { openBackupStore } from './store.js';

export interface MoveDeps {
  from: { database: DatabaseConfig; blobs: BlobStore };
  /** What moves: a database, a blob store, or both; what is absent stays where it is. */
  to: { database?: DatabaseConfig; blobs?: BlobStore };
  now: Date;
  workDir?: string;
  onProgress?: MoveOptions['onProgress'];
}

/**
 * Moves a stopped deployment: a backup into a private folder, restored into the targets, the folder
 * removed. Ids, sessions, counters, timelines and blob keys are copied as they are, so clients and
 * their sessions carry on once the server starts on the targets.
 */
export async function moveStoppedDeployment(deps: MoveDeps): Promise<Omit<MoveResult, 'env'>> {
  const work = await mkdtemp(path.join(deps.workDir ?? tmpdir(), 'aperture-move-'));
  try {
    const backup = openBackupStore({ kind: 'dir', root: work });
    const taken = await takeBackup({
      database: deps.from.database,
      blobs: deps.from.blobs,
      backup,
      now: deps.now,
      includeBlobs: deps.to.blobs !== undefined,
      onProgress: (p) => deps.onProgress?.({ ...p, step: 'backup' }),
    });
    if (taken.missingBlobs.length > 0) {
      const first = taken.missingBlobs[0]!;
      throw new Error(
        `${taken.missingBlobs.length} blob(s) the rows need are missing or damaged (${first.key}: ${first.reason}); ` +
          'run `aperture admin verify` and repair the source first. Nothing was moved.',
      );
    }
    const db = await openDatabase(deps.to.database ?? deps.from.database);
    try {
      const { tables } = await restoreBackup(
        {
          db,
          blobs: deps.to.blobs ?? deps.from.blobs,
          backup,
          includeRows: deps.to.database !== undefined,
          includeBlobs: deps.to.blobs !== undefined,
          onProgress: (p) => deps.onProgress?.({ ...p, step: 'restore' }),
        },
        await readManifest(backup),
      );
      return { tables: deps.to.database ? tables : {}, blobs: { count: taken.blobs.count, bytes: taken.blobs.bytes } };
    } finally {
      await db.close();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
