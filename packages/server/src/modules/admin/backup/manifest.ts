import { z } from 'zod';

import { assertBackupKey } from './store.js';

/*
 * A backup's layout, the same in a folder and under an S3 prefix:
 *
 *   manifest.json                     written last: a backup exists once its manifest does
 *   snapshots/<id>/<table>.jsonl      one JSON object per row, every column, in primary-key order
 *   snapshots/<id>/post_search.jsonl  the posts the caption index held ({ post_id })
 *   snapshots/<id>/blobs.jsonl        { key, sha256, size, etag? } per blob the rows reference
 *   blobs/<ab>/<sha256>               the blobs, content-addressed: shared by every backup made
 *                                     into this place, so the next one copies only what is new
 *
 * Rows hold the shapes of `db/schema.ts` (ids as decimal strings, timestamps as ISO strings), which
 * both dialects read and write alike, so a backup restores into SQLite or Postgres whichever it
 * came from.
 */

export const MANIFEST = 'manifest.json';
export const FORMAT = 'aperture-backup';
export const FORMAT_VERSION = 1;

/** The content-addressed path of a blob in a backup. */
export const blobPath = (sha256: string): string => `blobs/${sha256.slice(0, 2)}/${sha256}`;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in hex');
const backupPath = z.string().superRefine((value, ctx) => {
  try {
    assertBackupKey(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});
const count = z.number().int().min(0);

const fileEntry = z.object({ path: backupPath, sha256, size: count });

export const manifestSchema = z.object({
  format: z.literal(FORMAT),
  formatVersion: z.literal(FORMAT_VERSION),
  id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
  createdAt: z.string(),
  source: z.object({ dialect: z.enum(['sqlite', 'postgres']), blobStore: z.enum(['disk', 's3']) }),
  /** Every migration the source had applied, in order: the restore brings its target to the same level. */
  migrations: z.array(z.string().max(200)).max(10_000),
  tables: z.record(
    z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/),
    z.object({ rows: count, columns: z.array(z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/)).min(1), file: backupPath }),
  ),
  /** Derived tables kept as the rows they are rebuilt from (each dialect has its own engine). */
  searchIndex: z.object({ rows: count, file: backupPath }),
  blobs: z.object({ count, bytes: count, file: backupPath }),
  /** Blobs rows required but the store did not have (or had with other content) when the backup ran. */
  missingBlobs: z.array(z.object({ key: z.string(), reason: z.string() })),
  files: z.array(fileEntry),
});

export type Manifest = z.infer<typeof manifestSchema>;

/** One line of `blobs.jsonl`. */
export const blobEntrySchema = z.object({
  key: z.string().max(512),
  sha256,
  size: count,
  /** The row's content tag of a derivative: a later backup trusts `sha256` while the tag is unchanged. */
  etag: z.string().max(100).optional(),
});

export type BlobEntry = z.infer<typeof blobEntrySchema>;

/** Parses a manifest, or throws a sentence saying what is wrong with it. */
export function parseManifest(text: string, where: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${where}/${MANIFEST} is not JSON: not an Aperture backup, or a damaged one`);
  }
  const version = (json as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === 'number' && version > FORMAT_VERSION) {
    throw new Error(
      `${where} is a backup of format ${version}; this Aperture reads format ${FORMAT_VERSION}: upgrade it`,
    );
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `${where}/${MANIFEST} is not a valid Aperture backup manifest (${issue?.path.join('.')}: ${issue?.message})`,
    );
  }
  return parsed.data;
}
