import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../config/config.js';
import type { Db } from '../../db/connect.js';
import { systemClock } from '../../clock.js';
import { Blocklist } from '../blocklist/entries.js';
import { perceptualHashSchema, REASON_MAX } from '../blocklist/schemas.js';
import type { BlocklistAddResult } from '../blocklist/types.js';
import { perceptualHashOfImage } from '../media/pipeline/index.js';
import { idSchema } from '../shared/ids.js';
import type { BlocklistAddOptions } from './types.js';

/*
 * `aperture admin blocklist …` on an open database: what the admin service runs inside its
 * open-migrate-close. Entries added here carry no user (`added_by_id` null): the operator at the
 * server's machine needs no account. Running servers pick the change up at their next screening
 * (the list's version moved).
 */

function blocklistOn(db: Db, config: Config): Blocklist {
  return new Blocklist({ db, clock: systemClock, distance: config.mediaSettings.blocklistDistance });
}

export async function addToBlocklist(
  db: Db,
  config: Config,
  options: BlocklistAddOptions,
): Promise<BlocklistAddResult> {
  const reason = options.reason?.trim() ?? '';
  if (reason.length > REASON_MAX) throw new Error(`The reason is longer than ${REASON_MAX} characters`);
  const blocklist = blocklistOn(db, config);
  if ('mediaId' in options) {
    if (!idSchema.safeParse(options.mediaId).success) throw new Error(`Not a media id: ${options.mediaId}`);
    return blocklist.addFromMedia(options.mediaId, { reason });
  }
  const file = path.resolve(options.cwd ?? process.cwd(), options.file);
  // Hashed exactly as an upload of this file would be, so its copies match as uploads do.
  const hash = await perceptualHashOfImage(await readFile(file), {
    maxPixels: config.mediaSettings.maxPixels,
    maxBytes: config.mediaSettings.maxBytes,
  });
  if (hash === null) {
    throw new Error(`${options.file} is too plain (nearly one colour) to recognise copies of, so it cannot be blocked`);
  }
  return blocklist.addHash(hash, { reason });
}

export async function removeFromBlocklist(db: Db, config: Config, hash: string): Promise<{ removed: boolean }> {
  const parsed = perceptualHashSchema.safeParse(hash);
  if (!parsed.success) throw new Error(`Not a perceptual hash (16 hex digits): ${hash}`);
  return { removed: await blocklistOn(db, config).remove(parsed.data) };
}

export function listBlocklist(db: Db, config: Config, limit: number) {
  return blocklistOn(db, config).list(limit);
}

export function listBlocklistRefusals(db: Db, config: Config, limit: number) {
  return blocklistOn(db, config).refusals(limit);
}
