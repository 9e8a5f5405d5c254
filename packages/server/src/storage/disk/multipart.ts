import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { BlobInfo, CompletedPart, PendingMultipart, StoredPart } from '../blob-store.js';
import { assertCompletableParts, assertPartNumber, normalizeEtag } from '../checks.js';
import { InvalidPartError, UploadNotFoundError } from '../errors.js';
import { isCode } from '../../lib/errno.js';
import { commitFile, fsyncDir, writeTempFile } from './fs-atomic.js';
import type { TempFile } from './fs-atomic.js';
import { KeyedMutex } from './keyed-mutex.js';
import { commitRecord, openRecord, statRecord } from './records.js';
import type { OpenRecord } from './records.js';

/** S3's minimum for every part but the last; enforced on disk too so both stores accept the same plans. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;

const UPLOAD_ID = /^[A-Za-z0-9_-]{24}$/;
const PART_FILE = /^(\d{5})\.part$/;

interface Manifest {
  key: string;
  contentType?: string;
  createdAt: string;
}

export interface LocalMultipartOptions {
  /** Folder holding one sub-folder per upload. */
  dir: string;
  tmpDir: string;
  clock: () => number;
  /** Moves a finished temp file to `key`, the same way a plain put does. */
  commitObject(key: string, temp: TempFile, contentType: string | undefined): Promise<BlobInfo>;
}

/** S3's multipart protocol on a local folder: `<dir>/<uploadId>/{manifest.json, 00001.part, …}`. */
export class LocalMultipart {
  readonly #opts: LocalMultipartOptions;
  readonly #partLocks = new KeyedMutex();

  constructor(options: LocalMultipartOptions) {
    this.#opts = options;
  }

  async create(key: string, contentType: string | undefined): Promise<string> {
    const uploadId = randomBytes(18).toString('base64url');
    const uploadDir = this.#uploadDir(uploadId);
    await mkdir(uploadDir, { recursive: true });
    const manifest: Manifest = { key, createdAt: new Date(this.#opts.clock()).toISOString() };
    if (contentType !== undefined) manifest.contentType = contentType;
    const temp = await writeTempFile(this.#opts.tmpDir, Buffer.from(JSON.stringify(manifest)));
    await commitFile(temp.path, path.join(uploadDir, 'manifest.json'), false);
    await fsyncDir(uploadDir);
    await fsyncDir(this.#opts.dir);
    return uploadId;
  }

  /** Stores one part; re-sending a part number replaces it. */
  async receivePart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: Buffer | Readable,
    maxBytes: number | undefined,
  ): Promise<{ etag: string; size: number }> {
    assertPartNumber(partNumber);
    await this.#readManifest(key, uploadId);
    const temp = await writeTempFile(this.#opts.tmpDir, body, maxBytes);
    const [dataPath, metaPath] = this.#partPaths(uploadId, partNumber);
    try {
      // No createDirs: a part arriving after an abort must not bring the upload folder back.
      await this.#partLocks.run(`${uploadId}/${partNumber}`, () =>
        commitRecord(this.#opts.tmpDir, temp, dataPath, metaPath, undefined, false),
      );
    } catch (error) {
      if (isCode(error, 'ENOENT')) throw new UploadNotFoundError(uploadId);
      throw error;
    }
    return { etag: temp.md5, size: temp.size };
  }

  async list(key: string, uploadId: string): Promise<StoredPart[]> {
    await this.#readManifest(key, uploadId);
    let names: string[];
    try {
      names = await readdir(this.#uploadDir(uploadId));
    } catch (error) {
      if (isCode(error, 'ENOENT')) throw new UploadNotFoundError(uploadId);
      throw error;
    }
    const parts: StoredPart[] = [];
    for (const name of names) {
      const match = PART_FILE.exec(name);
      if (!match?.[1]) continue;
      const partNumber = Number(match[1]);
      const info = await statRecord(...this.#partPaths(uploadId, partNumber));
      if (info) parts.push({ partNumber, etag: info.etag, size: info.size });
    }
    return parts.sort((a, b) => a.partNumber - b.partNumber);
  }

  async complete(key: string, uploadId: string, parts: CompletedPart[]): Promise<BlobInfo> {
    const manifest = await this.#readManifest(key, uploadId);
    assertCompletableParts(uploadId, parts);
    const opened: OpenRecord[] = [];
    try {
      // Check every part before writing anything, and keep the files open so that what is
      // concatenated is exactly what was checked, even if a part is re-sent meanwhile.
      for (const [index, part] of parts.entries()) {
        const record = await openRecord(...this.#partPaths(uploadId, part.partNumber));
        if (record === null) throw new InvalidPartError(uploadId, part.partNumber, 'was not uploaded');
        opened.push(record);
        if (normalizeEtag(part.etag) !== record.etag) {
          throw new InvalidPartError(uploadId, part.partNumber, `ETag ${part.etag} does not match the stored part`);
        }
        if (record.size < MIN_PART_SIZE && index < parts.length - 1) {
          throw new InvalidPartError(uploadId, part.partNumber, 'is smaller than 5 MiB and is not the last part');
        }
      }
      const temp = await writeTempFile(this.#opts.tmpDir, concatenate(opened));
      const info = await this.#opts.commitObject(key, temp, manifest.contentType);
      await rm(this.#uploadDir(uploadId), { recursive: true, force: true });
      return info;
    } finally {
      await Promise.all(opened.map((record) => record.handle.close().catch(() => undefined)));
    }
  }

  async abort(key: string, uploadId: string): Promise<void> {
    try {
      await this.#readManifest(key, uploadId);
    } catch (error) {
      if (error instanceof UploadNotFoundError) return;
      throw error;
    }
    await rm(this.#uploadDir(uploadId), { recursive: true, force: true });
  }

  /** Every upload folder with a readable manifest; a folder without one is scratch (see local-scratch.ts). */
  async *listUploads(): AsyncGenerator<PendingMultipart> {
    let names: string[];
    try {
      names = await readdir(this.#opts.dir);
    } catch (error) {
      if (isCode(error, 'ENOENT')) return;
      throw error;
    }
    for (const uploadId of names) {
      if (!UPLOAD_ID.test(uploadId)) continue;
      let manifest: Manifest;
      try {
        manifest = JSON.parse(
          await readFile(path.join(this.#uploadDir(uploadId), 'manifest.json'), 'utf8'),
        ) as Manifest;
      } catch {
        continue; // completed or aborted meanwhile, or never finished creating
      }
      yield { key: manifest.key, uploadId, initiated: new Date(manifest.createdAt) };
    }
  }

  async #readManifest(key: string, uploadId: string): Promise<Manifest> {
    if (!UPLOAD_ID.test(uploadId)) throw new UploadNotFoundError(uploadId);
    let manifest: Manifest;
    try {
      manifest = JSON.parse(await readFile(path.join(this.#uploadDir(uploadId), 'manifest.json'), 'utf8')) as Manifest;
    } catch (error) {
      if (isCode(error, 'ENOENT', 'ENOTDIR')) throw new UploadNotFoundError(uploadId);
      throw error;
    }
    // An upload id belongs to one key, as on S3.
    if (manifest.key !== key) throw new UploadNotFoundError(uploadId);
    return manifest;
  }

  #uploadDir(uploadId: string): string {
    return path.join(this.#opts.dir, uploadId);
  }

  #partPaths(uploadId: string, partNumber: number): [string, string] {
    const base = path.join(this.#uploadDir(uploadId), `${String(partNumber).padStart(5, '0')}.part`);
    return [base, `${base}.json`];
  }
}

async function* concatenate(records: readonly OpenRecord[]): AsyncGenerator<Buffer> {
  for (const record of records) {
    for await (const chunk of record.handle.createReadStream({ start: 0, autoClose: false })) {
      yield chunk as Buffer;
    }
  }
}
