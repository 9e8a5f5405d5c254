import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connect.js';
import type { Database } from '../../db/schema.js';
import { AppError } from '../../errors/app-error.js';
import { hammingDistance } from './hashes.js';
import { VERSION_SCOPE, type BlocklistMatcher } from './matcher.js';
import { presentEntry, presentRefusal } from './presenter.js';
import type { BlocklistAddResult, BlocklistEntryView, BlocklistRefusalView } from './types.js';

/** Media rows read per query while looking for matches of a new entry. */
const SCAN_PAGE = 5_000;
/** Ids per `in (…)` list: within every dialect's bind-parameter limit. */
const ID_CHUNK = 500;

export interface BlocklistDeps {
  db: Db;
  clock: Clock;
  /** APERTURE_MEDIA_BLOCKLIST_DISTANCE, as the matcher uses it. */
  distance: number;
  /** Told when this process changed the list (others see the version move). */
  matcher?: Pick<BlocklistMatcher, 'invalidate'>;
}

export interface AddOptions {
  reason?: string | undefined;
  /** The user adding it through the API; omitted for the admin CLI. */
  addedById?: string | undefined;
  sourceMediaId?: string | undefined;
}

/**
 * The media blocklist: entries are perceptual hashes; an upload within the configured distance of
 * one is refused while it is processed (the matcher), and adding one hides the live posts already
 * using matching media. What `aperture admin blocklist …` (modules/admin) and, behind its access
 * check, the `blocklist.*` procedures (service.ts) call.
 */
export class Blocklist {
  constructor(private readonly deps: BlocklistDeps) {}

  /** Block the hash of a processed media item (any owner's), hiding the posts using it or its copies. */
  async addFromMedia(mediaId: string, options: Omit<AddOptions, 'sourceMediaId'> = {}): Promise<BlocklistAddResult> {
    const media = await this.deps.db.kysely
      .selectFrom('media')
      .select(['id', 'status', 'perceptual_hash'])
      .where('id', '=', mediaId)
      .executeTakeFirst();
    if (!media) throw new AppError('NOT_FOUND', `No such media: ${mediaId}.`);
    if (media.perceptual_hash === null) {
      throw new AppError(
        'CONFLICT',
        media.status === 'ready'
          ? `Media ${mediaId} has no perceptual hash: it was processed before hashes were recorded (reprocess it first), or its picture is too plain (nearly one colour) to recognise copies of.`
          : `Media ${mediaId} is ${media.status}: only processed media has a perceptual hash.`,
      );
    }
    return this.addHash(media.perceptual_hash, { ...options, sourceMediaId: mediaId });
  }

  /**
   * Block a hash. Adding one already blocked keeps its entry as it was but looks for matching
   * media again, so posts of media processed since (or reprocessed to get a hash) are hidden too.
   */
  async addHash(hash: string, options: AddOptions = {}): Promise<BlocklistAddResult> {
    const { db, clock } = this.deps;
    const created = await db.kysely.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('media_blocklist')
        .values({
          hash,
          reason: options.reason ?? '',
          added_by_id: options.addedById ?? null,
          source_media_id: options.sourceMediaId ?? null,
          created_at: clock.now().toISOString(),
        })
        .onConflict((oc) => oc.column('hash').doNothing())
        .executeTakeFirst();
      const isNew = Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
      if (isNew) await bumpVersion(trx);
      return isNew;
    });
    this.deps.matcher?.invalidate();
    const entry = await db.kysely
      .selectFrom('media_blocklist')
      .selectAll()
      .where('hash', '=', hash)
      .executeTakeFirstOrThrow();
    const { matchedMedia, hiddenPosts } = await this.hideMatching(hash, options.sourceMediaId);
    return { entry: presentEntry(entry), created, matchedMedia, hiddenPosts };
  }

  /** Unblock a hash; false when it was not blocked. Posts hidden when it was added stay hidden. */
  async remove(hash: string): Promise<boolean> {
    const removed = await this.deps.db.kysely.transaction().execute(async (trx) => {
      const result = await trx.deleteFrom('media_blocklist').where('hash', '=', hash).executeTakeFirst();
      if (result.numDeletedRows !== 1n) return false;
      await bumpVersion(trx);
      return true;
    });
    this.deps.matcher?.invalidate();
    return removed;
  }

  /** Entries, newest first. */
  async list(limit = 100): Promise<BlocklistEntryView[]> {
    const rows = await this.deps.db.kysely
      .selectFrom('media_blocklist')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('hash', 'asc')
      .limit(limit)
      .execute();
    return rows.map(presentEntry);
  }

  /** Uploads refused for matching an entry, newest first, with who sent them and what they matched. */
  async refusals(limit = 100): Promise<BlocklistRefusalView[]> {
    const rows = await this.deps.db.kysely
      .selectFrom('media_blocklist_refusals as r')
      .leftJoin('users as u', 'u.id', 'r.owner_id')
      .selectAll('r')
      .select('u.username')
      .orderBy('r.media_id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(presentRefusal);
  }

  /**
   * Hide (as moderation does: `posts.hidden_at`, visible to their authors only) the live posts
   * using the source media or any ready media within the distance of `hash`. Media hashes are
   * scanned page by page in id order: 0.5–0.7 s per 100,000 media (see docs/moderation.md).
   */
  private async hideMatching(
    hash: string,
    sourceMediaId: string | undefined,
  ): Promise<{ matchedMedia: number; hiddenPosts: number }> {
    const { db, clock, distance } = this.deps;
    const matches = new Set<string>(sourceMediaId === undefined ? [] : [sourceMediaId]);
    let after: string | undefined;
    for (;;) {
      const page = await db.kysely
        .selectFrom('media')
        .select(['id', 'perceptual_hash'])
        .where('status', '=', 'ready')
        .where('perceptual_hash', 'is not', null)
        .$if(after !== undefined, (qb) => qb.where('id', '>', after!))
        .orderBy('id', 'asc')
        .limit(SCAN_PAGE)
        .execute();
      for (const row of page) {
        if (hammingDistance(row.perceptual_hash!, hash) <= distance) matches.add(row.id);
      }
      if (page.length < SCAN_PAGE) break;
      after = page.at(-1)!.id;
    }
    const now = clock.now().toISOString();
    let hiddenPosts = 0;
    const ids = [...matches];
    for (let start = 0; start < ids.length; start += ID_CHUNK) {
      const chunk = ids.slice(start, start + ID_CHUNK);
      const result = await db.kysely
        .updateTable('posts')
        .set({ hidden_at: now })
        .where('deleted_at', 'is', null)
        .where('hidden_at', 'is', null)
        .where('id', 'in', (eb) => eb.selectFrom('post_media').select('post_id').where('media_id', 'in', chunk))
        .executeTakeFirst();
      hiddenPosts += Number(result.numUpdatedRows);
    }
    return { matchedMedia: ids.length, hiddenPosts };
  }
}

/** One more change to the list: every process's matcher reloads at its next check. */
async function bumpVersion(trx: Kysely<Database>): Promise<void> {
  await trx
    .insertInto('media_blocklist_version')
    .values({ scope: VERSION_SCOPE, version: 1 })
    .onConflict((oc) =>
      oc.column('scope').doUpdateSet((eb) => ({ version: eb('media_blocklist_version.version', '+', 1) })),
    )
    .execute();
}
