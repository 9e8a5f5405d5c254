import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type {
  BlobInfo,
  BlobReadResult,
  BlobStore,
  ByteRange,
  CompletedPart,
  PendingMultipart,
  ReceivedUpload,
  ScratchReport,
  SignedTarget,
  SignedUploadOptions,
  StoredPart,
} from '../blob-store.js';
import { assertPartNumber, resolveRange } from '../checks.js';
import { assertValidKey, BlobNotFoundError } from '../errors.js';
import { isCode } from '../../lib/errno.js';
import { pruneEmptyDirs, writeTempFile } from './fs-atomic.js';
import type { TempFile } from './fs-atomic.js';
import { KeyedMutex } from './keyed-mutex.js';
import { LocalMultipart } from './multipart.js';
import { commitRecord, openRecord, statRecord } from './records.js';
import { sweepLocalScratch } from './scratch.js';
import type { UploadSigner } from './upload-signer.js';

export interface LocalBlobStoreOptions {
  root: string;
  signer: UploadSigner;
  /** Base URL of this server as clients reach it; read at signing time. */
  publicUrl: () => string;
  clock?: () => number;
}

// Layout under root: objects at `<key>`, each with a `<key>~meta.json` sidecar; private folders
// `~tmp` and `~multipart`. `~` cannot occur in a valid key, so no key can collide with any of these.
const TMP_DIR = '~tmp';
const MULTIPART_DIR = '~multipart';
const META_SUFFIX = '~meta.json';
const KEY_SEGMENT = /^[A-Za-z0-9_\-.]+$/;

/** BlobStore on a local folder. Writes are temp file + fsync + rename, so readers never see half a file. */
export class LocalBlobStore implements BlobStore {
  readonly kind = 'disk' as const;
  readonly #root: string;
  readonly #tmpDir: string;
  readonly #multipartDir: string;
  readonly #signer: UploadSigner;
  readonly #publicUrl: () => string;
  readonly #clock: () => number;
  // Pairs each data rename with its sidecar rename within this process; across processes the
  // sidecar's inode check keeps reads correct.
  readonly #locks = new KeyedMutex();
  readonly #multipart: LocalMultipart;

  constructor(options: LocalBlobStoreOptions) {
    this.#root = path.resolve(options.root);
    this.#tmpDir = path.join(this.#root, TMP_DIR);
    this.#multipartDir = path.join(this.#root, MULTIPART_DIR);
    this.#signer = options.signer;
    this.#publicUrl = options.publicUrl;
    this.#clock = options.clock ?? Date.now;
    this.#multipart = new LocalMultipart({
      dir: this.#multipartDir,
      tmpDir: this.#tmpDir,
      clock: this.#clock,
      commitObject: (key, temp, contentType) => this.#commit(key, temp, contentType),
    });
  }

  async put(key: string, body: Buffer | Readable, options: { contentType?: string } = {}): Promise<BlobInfo> {
    assertValidKey(key);
    const temp = await writeTempFile(this.#tmpDir, body);
    return this.#commit(key, temp, options.contentType);
  }

  async get(key: string, options: { range?: ByteRange } = {}): Promise<BlobReadResult> {
    assertValidKey(key);
    const record = await openRecord(...this.#paths(key));
    if (record === null) throw new BlobNotFoundError(key);
    const { handle, size, etag, contentType } = record;
    let range: { start: number; end: number } | undefined;
    try {
      if (options.range) range = resolveRange(key, options.range, size);
    } catch (error) {
      await handle.close();
      throw error;
    }
    // An empty file has no last byte; fs streams read one byte for `end: -1`, so give no range.
    const body =
      size === 0
        ? handle.createReadStream({ start: 0 })
        : handle.createReadStream(range ?? { start: 0, end: size - 1 });
    return {
      body,
      size,
      contentLength: range ? range.end - range.start + 1 : size,
      range,
      etag,
      contentType,
    };
  }

  async head(key: string): Promise<BlobInfo | null> {
    assertValidKey(key);
    const info = await statRecord(...this.#paths(key));
    return info && { key, ...info };
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    const [dataPath, metaPath] = this.#paths(key);
    await this.#locks.run(key, async () => {
      // Sidecar first: a crash in between leaves a data file (listed, so collectable), never a
      // sidecar no listing shows.
      await rm(metaPath, { force: true });
      await rm(dataPath, { force: true });
    });
    await pruneEmptyDirs(path.dirname(dataPath), this.#root);
  }

  async *list(prefix: string): AsyncIterable<BlobInfo> {
    yield* this.#walk(this.#root, '', prefix);
  }

  async signedUpload(key: string, options: SignedUploadOptions): Promise<SignedTarget> {
    assertValidKey(key);
    return this.#target({ key, contentType: options.contentType }, options);
  }

  async createMultipart(key: string, options: { contentType?: string } = {}): Promise<{ uploadId: string }> {
    assertValidKey(key);
    return { uploadId: await this.#multipart.create(key, options.contentType) };
  }

  async signedPart(
    key: string,
    uploadId: string,
    partNumber: number,
    options: SignedUploadOptions,
  ): Promise<SignedTarget> {
    assertValidKey(key);
    assertPartNumber(partNumber);
    return this.#target({ key, uploadId, partNumber, contentType: undefined }, options);
  }

  async listParts(key: string, uploadId: string): Promise<StoredPart[]> {
    assertValidKey(key);
    return this.#multipart.list(key, uploadId);
  }

  async completeMultipart(key: string, uploadId: string, parts: CompletedPart[]): Promise<BlobInfo> {
    assertValidKey(key);
    return this.#multipart.complete(key, uploadId, parts);
  }

  async abortMultipart(key: string, uploadId: string): Promise<void> {
    assertValidKey(key);
    await this.#multipart.abort(key, uploadId);
  }

  listMultipartUploads(): AsyncIterable<PendingMultipart> {
    return this.#multipart.listUploads();
  }

  sweepScratch(olderThan: Date, options: { dryRun?: boolean } = {}): Promise<ScratchReport> {
    return sweepLocalScratch(
      { tmpDir: this.#tmpDir, multipartDir: this.#multipartDir },
      olderThan,
      options.dryRun ?? false,
    );
  }

  /**
   * Receives the body of `PUT /uploads/:token`: a whole object or one part, as the token says.
   * Throws SignatureInvalidError / SignatureExpiredError before reading anything, PayloadTooLargeError
   * (leaving nothing behind) past `maxBytes`, UploadNotFoundError for a part of an unknown upload.
   */
  async receiveSignedUpload(
    token: string,
    body: Readable,
    options: { maxBytes?: number } = {},
  ): Promise<ReceivedUpload> {
    const claims = this.#signer.verify(token);
    assertValidKey(claims.key);
    if (claims.uploadId !== undefined) {
      return this.#multipart.receivePart(claims.key, claims.uploadId, claims.partNumber ?? 0, body, options.maxBytes);
    }
    const temp = await writeTempFile(this.#tmpDir, body, options.maxBytes);
    const info = await this.#commit(claims.key, temp, claims.contentType);
    return { etag: info.etag, size: info.size };
  }

  /** Writes and removes a probe file, so a read-only or full disk fails /readyz. */
  async ping(): Promise<void> {
    await mkdir(this.#tmpDir, { recursive: true });
    const probe = await writeTempFile(this.#tmpDir, Buffer.from('ping'));
    await rm(probe.path, { force: true });
  }

  async close(): Promise<void> {
    // Nothing held open between calls.
  }

  async #commit(key: string, temp: TempFile, contentType: string | undefined): Promise<BlobInfo> {
    const [dataPath, metaPath] = this.#paths(key);
    const info = await this.#locks.run(key, () =>
      commitRecord(this.#tmpDir, temp, dataPath, metaPath, contentType, true),
    );
    return { key, ...info };
  }

  #target(
    claims: { key: string; contentType: string | undefined; uploadId?: string; partNumber?: number },
    options: SignedUploadOptions,
  ): SignedTarget {
    const expiresAt = this.#clock() + options.expiresInSeconds * 1000;
    const { contentType, ...rest } = claims;
    const token = this.#signer.sign({ ...rest, expiresAt, ...(contentType === undefined ? {} : { contentType }) });
    return {
      method: 'PUT',
      url: `${this.#publicUrl().replace(/\/+$/, '')}/uploads/${token}`,
      headers: contentType === undefined ? {} : { 'content-type': contentType },
      expiresAt: new Date(expiresAt),
    };
  }

  #paths(key: string): [string, string] {
    const dataPath = path.join(this.#root, ...key.split('/'));
    return [dataPath, dataPath + META_SUFFIX];
  }

  /** Depth-first in key order: a folder sorts as `name/`, which is where its keys fall among its siblings. */
  async *#walk(dir: string, keyPrefix: string, prefix: string): AsyncGenerator<BlobInfo> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (isCode(error, 'ENOENT', 'ENOTDIR')) return;
      throw error;
    }
    const candidates = entries
      .filter((entry) => KEY_SEGMENT.test(entry.name) && entry.name !== '.' && entry.name !== '..')
      .filter((entry) => entry.isDirectory() || entry.isFile())
      .map((entry) => ({ entry, sortKey: keyPrefix + entry.name + (entry.isDirectory() ? '/' : '') }))
      .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    for (const { entry, sortKey } of candidates) {
      if (entry.isDirectory()) {
        if (sortKey.startsWith(prefix) || prefix.startsWith(sortKey)) {
          yield* this.#walk(path.join(dir, entry.name), sortKey, prefix);
        }
      } else if (sortKey.startsWith(prefix)) {
        const info = await statRecord(...this.#paths(sortKey));
        if (info) yield { key: sortKey, ...info };
      }
    }
  }
}
