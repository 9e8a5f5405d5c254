import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { parseMediaUrl } from '../../../config/urls.js';
import { S3BlobStore } from '../../../storage/index.js';

/**
 * Where a backup lives: a plain folder (readable with `ls` and `jq`, copied with any tool) or a
 * prefix of an S3 bucket. Paths are relative and made only of `[A-Za-z0-9._-]` segments.
 */
export interface BackupStore {
  /** `dir:/abs/path` or `s3://bucket/prefix`, for messages. */
  readonly description: string;
  /** Writes the whole body, then makes it visible under `key` at once (a reader never sees half). */
  put(key: string, body: Buffer | Readable): Promise<void>;
  /** Throws BackupFileMissingError when absent. */
  get(key: string): Promise<Readable>;
  /** The size in bytes, or null when absent. */
  size(key: string): Promise<number | null>;
  delete(key: string): Promise<void>;
  /** Every key under `prefix` (a folder path ending with `/`). */
  list(prefix: string): AsyncIterable<string>;
  close(): Promise<void>;
}

export class BackupFileMissingError extends Error {
  override readonly name = 'BackupFileMissingError';
  constructor(
    readonly store: string,
    readonly key: string,
  ) {
    super(`${key} is missing from the backup at ${store}`);
  }
}

export type BackupLocation =
  | { kind: 'dir'; root: string }
  | { kind: 's3'; bucket: string; prefix: string; region: string; endpoint?: string; forcePathStyle?: boolean };

/**
 * `<dir>` (relative to `cwd`) or `s3://bucket/prefix?region=…&endpoint=…&forcePathStyle=true`, the
 * query as in APERTURE_MEDIA_URL. Throws with a sentence fit for the command line.
 */
export function parseBackupLocation(text: string, cwd: string, defaultRegion?: string): BackupLocation {
  if (!text.startsWith('s3://')) {
    if (text.includes('://')) throw new Error(`${text}: a backup goes to a folder or to s3://bucket/prefix`);
    return { kind: 'dir', root: path.resolve(cwd, text) };
  }
  const media = parseMediaUrl(text, cwd, defaultRegion);
  if (media.kind !== 's3') throw new Error(`${text}: not an s3:// URL`);
  const prefix = decodeURIComponent(new URL(text).pathname).replace(/^\/+|\/+$/g, '');
  if (prefix !== '' && !SEGMENTS.test(prefix)) {
    throw new Error(`${text}: the prefix may hold only letters, digits, '.', '_', '-' and '/'`);
  }
  const { kind: _kind, ...s3 } = media;
  return { kind: 's3', ...s3, prefix: prefix === '' ? '' : `${prefix}/` };
}

const SEGMENTS = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

/** A key the backup itself names (hostile manifests included): relative segments, no `.` or `..`. */
export function assertBackupKey(key: string): void {
  if (key.length > 512 || !SEGMENTS.test(key) || key.split('/').some((s) => s === '.' || s === '..')) {
    throw new Error(`Invalid path in backup: ${JSON.stringify(key.slice(0, 100))}`);
  }
}

export function openBackupStore(location: BackupLocation): BackupStore {
  return location.kind === 'dir' ? new DirBackupStore(location.root) : new S3BackupStore(location);
}

class DirBackupStore implements BackupStore {
  readonly description: string;
  constructor(private readonly root: string) {
    this.description = root;
  }

  #path(key: string): string {
    assertBackupKey(key);
    return path.join(this.root, ...key.split('/'));
  }

  async put(key: string, body: Buffer | Readable): Promise<void> {
    const file = this.#path(key);
    await mkdir(path.dirname(file), { recursive: true });
    // Written beside its final name, then renamed: a crash leaves a `.partial` file, never half a file.
    const partial = `${file}.${randomBytes(4).toString('hex')}.partial`;
    try {
      await pipeline(Buffer.isBuffer(body) ? Readable.from([body]) : body, createWriteStream(partial));
      await rename(partial, file);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<Readable> {
    const file = this.#path(key);
    if ((await this.size(key)) === null) throw new BackupFileMissingError(this.description, key);
    return createReadStream(file);
  }

  async size(key: string): Promise<number | null> {
    try {
      const info = await stat(this.#path(key));
      return info.isFile() ? info.size : null;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    const file = this.#path(key);
    await rm(file, { force: true });
    // Folders emptied by the deletion go too, so an old snapshot leaves no trace.
    for (let dir = path.dirname(file); dir.startsWith(`${this.root}${path.sep}`); dir = path.dirname(dir)) {
      try {
        await rmdir(dir);
      } catch {
        break;
      }
    }
  }

  async *list(prefix: string): AsyncIterable<string> {
    const walk = async function* (dir: string, relative: string): AsyncGenerator<string> {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const key = `${relative}${entry.name}`;
        if (entry.isDirectory()) yield* walk(path.join(dir, entry.name), `${key}/`);
        else if (entry.isFile() && !entry.name.endsWith('.partial')) yield key;
      }
    };
    yield* walk(path.join(this.root, ...prefix.split('/').filter(Boolean)), prefix);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

class S3BackupStore implements BackupStore {
  readonly description: string;
  readonly #store: S3BlobStore;
  readonly #prefix: string;

  constructor(location: Extract<BackupLocation, { kind: 's3' }>) {
    this.description = `s3://${location.bucket}/${location.prefix}`;
    this.#prefix = location.prefix;
    this.#store = new S3BlobStore({
      bucket: location.bucket,
      region: location.region,
      ...(location.endpoint === undefined ? {} : { endpoint: location.endpoint }),
      ...(location.forcePathStyle === undefined ? {} : { forcePathStyle: location.forcePathStyle }),
    });
  }

  #key(key: string): string {
    assertBackupKey(key);
    return `${this.#prefix}${key}`;
  }

  async put(key: string, body: Buffer | Readable): Promise<void> {
    await this.#store.put(this.#key(key), body);
  }

  async get(key: string): Promise<Readable> {
    if ((await this.size(key)) === null) throw new BackupFileMissingError(this.description, key);
    return (await this.#store.get(this.#key(key))).body;
  }

  async size(key: string): Promise<number | null> {
    return (await this.#store.head(this.#key(key)))?.size ?? null;
  }

  async delete(key: string): Promise<void> {
    await this.#store.delete(this.#key(key));
  }

  async *list(prefix: string): AsyncIterable<string> {
    for await (const blob of this.#store.list(`${this.#prefix}${prefix}`)) yield blob.key.slice(this.#prefix.length);
  }

  close(): Promise<void> {
    return this.#store.close();
  }
}
