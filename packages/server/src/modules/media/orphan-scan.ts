import type { Db } from '../../db/connect.js';
import type { MediaRow } from '../../db/schema.js';
import type { BlobInfo, BlobStore } from '../../storage/blob-store.js';
import { parseBlobKey } from './keys.js';
import { parseDerivatives } from './presenter.js';

/** Blobs no row accounts for, of one kind. */
export interface LeftoverCount {
  /** Older than the grace period: a leftover for sure (removed when repairing). */
  stale: number;
  /** Younger: possibly a write in flight, so left alone and not counted as a problem. */
  young: number;
  removed: number;
}

export const emptyCount = (): LeftoverCount => ({ stale: 0, young: 0, removed: 0 });

type OwnerRow = Pick<MediaRow, 'id' | 'status' | 'original_key' | 'derivatives' | 'reprocess_requested_at' | 'size'>;

/** A blob its row accounts for whose size is not the one the row recorded. */
export interface WrongSize {
  key: string;
  expected: number;
  actual: number;
}

/** What one walk over the blob store found, in both directions. */
export interface BlobWalk {
  originals: LeftoverCount;
  derivatives: LeftoverCount;
  staging: LeftoverCount;
  /** Keys outside Aperture's layout: reported, never removed. */
  foreign: number;
  /** Up to 20 stale leftover keys, for the report. */
  examples: string[];
  /** Media ids whose original exists. */
  originalIds: Set<string>;
  /** Media ids with at least one derivative file; their listed files were checked during the walk. */
  derivativeIds: Set<string>;
  /** Ready media listing derivative files the walk did not find (to be confirmed): id → files. */
  unseenDerivatives: Map<string, string[]>;
  /** Blobs of ready media whose size differs from their row's: damaged or truncated. */
  wrongSize: WrongSize[];
}

const PAGE = 500;
const EXAMPLES = 20;

/**
 * Walks every blob under Aperture's three prefixes once and matches it against the rows: an
 * original belongs to the media row naming it, a derivative to its media row if the row lists it
 * (or is being processed, which writes it), a staged upload to its upload row. Leftovers older than
 * `olderThan` are deleted when `repair` is set. Rows are looked up a page of keys at a time; memory
 * grows with the number of media ids (two sets), not with the number of blobs.
 */
export async function walkBlobs(
  deps: { db: Db; blobs: BlobStore },
  options: { olderThan: Date; repair: boolean },
): Promise<BlobWalk> {
  const walk: BlobWalk = {
    originals: emptyCount(),
    derivatives: emptyCount(),
    staging: emptyCount(),
    foreign: 0,
    examples: [],
    originalIds: new Set(),
    derivativeIds: new Set(),
    unseenDerivatives: new Map(),
    wrongSize: [],
  };
  const leftover = async (count: LeftoverCount, blob: BlobInfo) => {
    if (blob.lastModified >= options.olderThan) {
      count.young++;
      return;
    }
    count.stale++;
    if (walk.examples.length < EXAMPLES) walk.examples.push(blob.key);
    if (!options.repair) return;
    await deps.blobs.delete(blob.key);
    count.removed++;
  };

  for await (const page of pages(deps.blobs.list('originals/'))) {
    const ids = page.map((b) => parseBlobKey(b.key)).flatMap((p) => (p.kind === 'original' ? [p.mediaId] : []));
    const rows = await mediaRows(deps.db, ids);
    for (const blob of page) {
      const parsed = parseBlobKey(blob.key);
      if (parsed.kind !== 'original') {
        walk.foreign++;
        continue;
      }
      const row = rows.get(parsed.mediaId);
      if (row?.original_key !== blob.key) {
        await leftover(walk.originals, blob);
        continue;
      }
      walk.originalIds.add(parsed.mediaId);
      if (row.status === 'ready' && blob.size !== row.size) {
        walk.wrongSize.push({ key: blob.key, expected: row.size, actual: blob.size });
      }
    }
  }

  // Keys sort by media id within a shard, so one item's derivatives arrive together.
  let group: { mediaId: string; blobs: BlobInfo[] }[] = [];
  const settle = async () => {
    const rows = await mediaRows(
      deps.db,
      group.map((g) => g.mediaId),
    );
    for (const { mediaId, blobs } of group) {
      const row = rows.get(mediaId);
      const listed = row ? parseDerivatives(row) : {};
      const beingWritten = row !== undefined && (row.status === 'processing' || row.reprocess_requested_at !== null);
      const seen = new Set<string>();
      for (const blob of blobs) {
        const file = blob.key.slice(blob.key.lastIndexOf('/') + 1);
        seen.add(file);
        if (!row || !(beingWritten || Object.hasOwn(listed, file))) await leftover(walk.derivatives, blob);
        else if (row.status === 'ready' && !beingWritten && listed[file] && listed[file].size !== blob.size) {
          walk.wrongSize.push({ key: blob.key, expected: listed[file].size, actual: blob.size });
        }
      }
      if (row) walk.derivativeIds.add(mediaId);
      const unseen = Object.keys(listed).filter((file) => !seen.has(file));
      if (row?.status === 'ready' && unseen.length > 0) walk.unseenDerivatives.set(mediaId, unseen);
    }
    group = [];
  };
  for await (const blob of deps.blobs.list('media/')) {
    const parsed = parseBlobKey(blob.key);
    if (parsed.kind !== 'derivative') {
      walk.foreign++;
      continue;
    }
    const last = group.at(-1);
    if (last?.mediaId === parsed.mediaId) {
      last.blobs.push(blob);
      continue;
    }
    if (group.length >= PAGE) await settle();
    group.push({ mediaId: parsed.mediaId, blobs: [blob] });
  }
  await settle();

  for await (const page of pages(deps.blobs.list('uploads/'))) {
    const ids = page.map((b) => parseBlobKey(b.key)).flatMap((p) => (p.kind === 'staging' ? [p.uploadId] : []));
    const known =
      ids.length === 0
        ? new Set<string>()
        : new Set(
            (await deps.db.kysely.selectFrom('uploads').select('id').where('id', 'in', ids).execute()).map((r) => r.id),
          );
    for (const blob of page) {
      const parsed = parseBlobKey(blob.key);
      if (parsed.kind !== 'staging') walk.foreign++;
      else if (!known.has(parsed.uploadId)) await leftover(walk.staging, blob);
    }
  }
  return walk;
}

async function mediaRows(db: Db, ids: string[]): Promise<Map<string, OwnerRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db.kysely
    .selectFrom('media')
    .select(['id', 'status', 'original_key', 'derivatives', 'reprocess_requested_at', 'size'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

async function* pages<T>(items: AsyncIterable<T>): AsyncGenerator<T[]> {
  let page: T[] = [];
  for await (const item of items) {
    page.push(item);
    if (page.length >= PAGE) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}
