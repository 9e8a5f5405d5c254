import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connect.js';
import type { Logger } from '../../lib/logger.js';
import type { MediaScreen } from '../media/screen.js';
import { HashSet, type HashMatch } from './hashes.js';

/** The one row of `media_blocklist_version`. */
export const VERSION_SCOPE = 'media_blocklist';

export interface BlocklistMatcherDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  /** APERTURE_MEDIA_BLOCKLIST_DISTANCE: a hash this many bits or fewer from an entry matches it. */
  distance: number;
}

/**
 * The blocklist as processing and posting consult it: an in-memory copy of every blocked hash,
 * reloaded when `media_blocklist_version` has moved (one primary-key read per check), so an entry
 * the admin CLI or another process adds applies to the next upload any process screens.
 */
export class BlocklistMatcher implements MediaScreen {
  private copy: { version: number; set: HashSet } | undefined;
  private loading: Promise<HashSet> | undefined;

  constructor(private readonly deps: BlocklistMatcherDeps) {}

  /** The nearest blocked hash within the distance, if any. */
  async match(perceptualHash: string): Promise<HashMatch | undefined> {
    return (await this.current()).nearest(perceptualHash, this.deps.distance);
  }

  async admits(media: { id: string; ownerId: string }, perceptualHash: string): Promise<boolean> {
    const found = await this.match(perceptualHash);
    if (!found) return true;
    // Keyed by media: a retried attempt (a crash after this write) records nothing twice.
    await this.deps.db.kysely
      .insertInto('media_blocklist_refusals')
      .values({
        media_id: media.id,
        owner_id: media.ownerId,
        perceptual_hash: perceptualHash,
        matched_hash: found.hash,
        distance: found.distance,
        created_at: this.deps.clock.now().toISOString(),
      })
      .onConflict((oc) => oc.column('media_id').doNothing())
      .execute();
    this.deps.log.info(
      { mediaId: media.id, ownerId: media.ownerId, matchedHash: found.hash, distance: found.distance },
      'upload refused: it matches the media blocklist',
    );
    return false;
  }

  async blocksAny(perceptualHashes: readonly (string | null)[]): Promise<boolean> {
    const hashes = perceptualHashes.filter((hash): hash is string => hash !== null);
    if (hashes.length === 0) return false;
    const set = await this.current();
    return hashes.some((hash) => set.nearest(hash, this.deps.distance) !== undefined);
  }

  /** Forget the copy: the next check reloads it (after this process changed the list). */
  invalidate(): void {
    this.copy = undefined;
  }

  private async current(): Promise<HashSet> {
    const { db } = this.deps;
    const row = await db.kysely
      .selectFrom('media_blocklist_version')
      .select('version')
      .where('scope', '=', VERSION_SCOPE)
      .executeTakeFirst();
    const version = row?.version ?? 0;
    if (this.copy?.version === version) return this.copy.set;
    // The version was read before the rows, so the copy is at least that new; a change landing in
    // between only makes the next check load again.
    this.loading ??= (async () => {
      try {
        const rows = await db.kysely.selectFrom('media_blocklist').select('hash').execute();
        const set = new HashSet(rows.map((r) => r.hash));
        this.copy = { version, set };
        return set;
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }
}
