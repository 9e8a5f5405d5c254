import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';

import type { BlobStore } from '../../../storage/blob-store.js';
import { derivativeKey } from '../../media/keys.js';
import { parseDerivatives } from '../../media/presenter.js';
import { blobPath, type BlobEntry } from './manifest.js';
import type { BackupStore } from './store.js';

/** A blob the rows of a backup refer to. */
export interface BlobReference {
  key: string;
  /** The row's SHA-256 of the bytes (originals: verified when the upload completed). */
  sha256?: string;
  /** The row's size of the bytes. */
  size?: number;
  /** A derivative's content tag: the first 27 characters of its SHA-256 in base64url. */
  etag?: string;
  /** A ready or processing media row cannot show without it; others (failed, pending) may lack it. */
  required: boolean;
}

/** The blobs one media row refers to: its original and every derivative its row lists. */
export function mediaBlobs(row: Record<string, unknown>): BlobReference[] {
  const status = row['status'];
  const id = String(row['id']);
  const refs: BlobReference[] = [
    {
      key: String(row['original_key']),
      sha256: String(row['sha256']),
      size: Number(row['size']),
      required: status === 'ready' || status === 'processing',
    },
  ];
  const derivatives = parseDerivatives({ derivatives: (row['derivatives'] as string | null) ?? null });
  for (const [file, info] of Object.entries(derivatives)) {
    const dot = file.lastIndexOf('.');
    refs.push({
      key: derivativeKey(id, file.slice(0, dot), file.slice(dot + 1) as 'webp' | 'jpg'),
      size: info.size,
      etag: info.etag,
      required: status === 'ready',
    });
  }
  return refs;
}

/** A pass-through that hashes and counts what flows through it. */
export function hashing(): Transform & { digest(): { sha256: string; size: number } } {
  const hash = createHash('sha256');
  let size = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  let digest: { sha256: string; size: number } | undefined;
  return Object.assign(stream, {
    digest: () => (digest ??= { sha256: hash.digest('hex'), size }),
  });
}

const etagOf = (sha256Hex: string) => Buffer.from(sha256Hex, 'hex').toString('base64url').slice(0, 27);

export type CopyOutcome =
  | { kind: 'copied'; entry: BlobEntry }
  | { kind: 'skipped'; entry: BlobEntry }
  | { kind: 'missing'; key: string; reason: string }
  | { kind: 'mismatch'; key: string; reason: string };

/**
 * Copies one referenced blob into the backup's content-addressed area. Skipped when the area
 * already holds it: known by the row's SHA-256 (originals) or, for a derivative, by the SHA-256 an
 * earlier backup recorded for the same content tag. Otherwise the bytes are read once, hashed, and
 * checked against what the row says before they are kept.
 */
export async function copyToBackup(
  source: BlobStore,
  backup: BackupStore,
  ref: BlobReference,
  previous: BlobEntry | undefined,
): Promise<CopyOutcome> {
  const known =
    ref.sha256 ?? (previous && ref.etag !== undefined && previous.etag === ref.etag ? previous.sha256 : undefined);
  if (known !== undefined && ref.size !== undefined && (await backup.size(blobPath(known))) === ref.size) {
    return { kind: 'skipped', entry: entryOf(ref, known, ref.size) };
  }
  const info = await source.head(ref.key);
  if (info === null) return { kind: 'missing', key: ref.key, reason: 'not in the blob store' };
  // Derivatives are small (a few hundred kB): read whole, then stored under their hash. Originals
  // stream straight to the address their row's hash names, and are checked on the way.
  if (known === undefined) {
    const bytes = await readAll((await source.get(ref.key)).body);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const problem = mismatch(ref, sha256, bytes.length);
    if (problem) return { kind: 'mismatch', key: ref.key, reason: problem };
    if ((await backup.size(blobPath(sha256))) !== bytes.length) await backup.put(blobPath(sha256), bytes);
    return { kind: 'copied', entry: entryOf(ref, sha256, bytes.length) };
  }
  const counter = hashing();
  await backup.put(blobPath(known), through((await source.get(ref.key)).body, counter));
  const { sha256, size } = counter.digest();
  const problem = mismatch(ref, sha256, size);
  if (problem) {
    await backup.delete(blobPath(known));
    return { kind: 'mismatch', key: ref.key, reason: problem };
  }
  return { kind: 'copied', entry: entryOf(ref, sha256, size) };
}

function entryOf(ref: BlobReference, sha256: string, size: number): BlobEntry {
  return { key: ref.key, sha256, size, ...(ref.etag === undefined ? {} : { etag: ref.etag }) };
}

function mismatch(ref: BlobReference, sha256: string, size: number): string | undefined {
  if (ref.size !== undefined && ref.size !== size) return `${size} bytes where its row says ${ref.size}`;
  if (ref.sha256 !== undefined && ref.sha256 !== sha256) return `sha256 ${sha256} where its row says ${ref.sha256}`;
  if (ref.etag !== undefined && etagOf(sha256) !== ref.etag)
    return `content tag ${etagOf(sha256)} where its row says ${ref.etag}`;
  return undefined;
}

/**
 * Copies one blob of a backup into a blob store, hashing on the way; a blob whose bytes are not
 * those the backup recorded is deleted from the store again and reported as damage.
 */
export async function copyFromBackup(backup: BackupStore, target: BlobStore, entry: BlobEntry): Promise<void> {
  const counter = hashing();
  await target.put(entry.key, through(await backup.get(blobPath(entry.sha256)), counter));
  const { sha256, size } = counter.digest();
  if (sha256 !== entry.sha256 || size !== entry.size) {
    await target.delete(entry.key);
    throw new Error(
      `The backup's copy of ${entry.key} (${blobPath(entry.sha256)}) is damaged: ${size} bytes with sha256 ${sha256}, ` +
        `expected ${entry.size} bytes with sha256 ${entry.sha256}. Nothing was restored.`,
    );
  }
}

/** `body.pipe(counter)`, with a failure of `body` (a dropped connection) passed on instead of lost. */
function through(body: Readable, counter: Transform): Transform {
  body.once('error', (error) => counter.destroy(error));
  return body.pipe(counter);
}

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Runs `work` over `items` with at most `limit` at once, in order of start. */
export async function eachLimited<T>(
  items: Iterable<T>,
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const iterator = items[Symbol.iterator]();
  let failed: Error | undefined;
  const lane = async () => {
    for (let next = iterator.next(); !next.done && failed === undefined; next = iterator.next()) {
      try {
        await work(next.value);
      } catch (error) {
        failed ??= error instanceof Error ? error : new Error(`Copy failed: ${JSON.stringify(error)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: limit }, lane));
  if (failed !== undefined) throw failed;
}
