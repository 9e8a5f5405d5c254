import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, rmdir } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { isCode } from '../../lib/errno.js';
import { PayloadTooLargeError } from '../errors.js';

/** A fully written, fsynced file waiting in the temp folder to be renamed into place. */
export interface TempFile {
  path: string;
  size: number;
  md5: string;
  /** Identity of the file (inode and mtime); survives the rename, so a sidecar can name its file. */
  ino: string;
  mtimeNs: string;
  mtime: Date;
}

export type FileBody = Buffer | Readable | AsyncIterable<Uint8Array>;

/**
 * Writes `body` to a new file in `tmpDir` and fsyncs it. On any failure (including `maxBytes`
 * exceeded) the temp file is removed. A Readable body is not destroyed when the limit is hit, so an
 * HTTP handler can still answer 413 before dropping the connection.
 */
export async function writeTempFile(tmpDir: string, body: FileBody, maxBytes?: number): Promise<TempFile> {
  await mkdir(tmpDir, { recursive: true });
  const tempPath = path.join(tmpDir, `${randomBytes(12).toString('hex')}.tmp`);
  const fh = await open(tempPath, 'wx', 0o644);
  try {
    const hash = createHash('md5');
    let size = 0;
    for await (const chunk of chunksOf(body)) {
      size += chunk.length;
      if (maxBytes !== undefined && size > maxBytes) throw new PayloadTooLargeError(maxBytes);
      hash.update(chunk);
      await writeAll(fh, chunk);
    }
    await fh.sync();
    const stat = await fh.stat({ bigint: true });
    await fh.close();
    return {
      path: tempPath,
      size,
      md5: hash.digest('hex'),
      ino: stat.ino.toString(),
      mtimeNs: stat.mtimeNs.toString(),
      mtime: new Date(Number(stat.mtimeMs)),
    };
  } catch (error) {
    await fh.close().catch(() => undefined);
    await rm(tempPath, { force: true });
    throw error;
  }
}

function chunksOf(body: FileBody): AsyncIterable<Uint8Array> {
  if (Buffer.isBuffer(body)) return Readable.from([body], { objectMode: true });
  if (body instanceof Readable) {
    return { [Symbol.asyncIterator]: () => body.iterator({ destroyOnReturn: false }) };
  }
  return body;
}

async function writeAll(fh: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) {
    const { bytesWritten } = await fh.write(chunk, offset, chunk.length - offset);
    offset += bytesWritten;
  }
}

/**
 * Renames a temp file over `finalPath`. Readers see the old file or the new one, never a mix.
 * With `createDirs`, missing parent folders are created; a concurrent delete may prune them again
 * between mkdir and rename, hence the retry.
 */
export async function commitFile(tempPath: string, finalPath: string, createDirs: boolean): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      if (createDirs) await mkdir(path.dirname(finalPath), { recursive: true });
      await rename(tempPath, finalPath);
      return;
    } catch (error) {
      if (!createDirs || !isCode(error, 'ENOENT') || attempt >= 3) {
        await rm(tempPath, { force: true });
        throw error;
      }
    }
  }
}

/** Makes a rename in `dir` durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Removes empty folders from `dir` up to (not including) `stopAt`. */
export async function pruneEmptyDirs(dir: string, stopAt: string): Promise<void> {
  let current = dir;
  while (current !== stopAt && current.startsWith(stopAt + path.sep)) {
    try {
      await rmdir(current);
    } catch {
      return; // not empty, already gone, or in use by a concurrent writer: all fine
    }
    current = path.dirname(current);
  }
}
