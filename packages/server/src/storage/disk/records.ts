import { createHash } from 'node:crypto';
import { open, readFile, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { isCode } from '../../lib/errno.js';
import { commitFile, fsyncDir, writeTempFile } from './fs-atomic.js';
import type { TempFile } from './fs-atomic.js';

/**
 * A data file plus a small JSON sidecar (etag, content type). The two cannot be renamed into place
 * together, so the sidecar records the identity (inode + mtime) of the data file it describes; a
 * reader that finds a sidecar for another file (a writer between its two renames, or a race between
 * processes) ignores it and hashes the data instead. Content is therefore never misdescribed.
 */
interface Sidecar {
  etag: string;
  size: number;
  ino: string;
  mtimeNs: string;
  contentType?: string;
}

export interface RecordInfo {
  size: number;
  etag: string;
  lastModified: Date;
  contentType: string | undefined;
}

export interface OpenRecord extends RecordInfo {
  /** Open on the data file; the caller must close it (or hand it to a stream that will). */
  handle: FileHandle;
}

/** Renames `temp` to `dataPath` and writes its sidecar to `metaPath`; both durable on return. */
export async function commitRecord(
  tmpDir: string,
  temp: TempFile,
  dataPath: string,
  metaPath: string,
  contentType: string | undefined,
  createDirs: boolean,
): Promise<RecordInfo> {
  const sidecar: Sidecar = { etag: temp.md5, size: temp.size, ino: temp.ino, mtimeNs: temp.mtimeNs };
  if (contentType !== undefined) sidecar.contentType = contentType;
  let metaTemp: TempFile;
  try {
    metaTemp = await writeTempFile(tmpDir, Buffer.from(JSON.stringify(sidecar)));
  } catch (error) {
    await rm(temp.path, { force: true });
    throw error;
  }
  try {
    await commitFile(temp.path, dataPath, createDirs);
  } catch (error) {
    await rm(metaTemp.path, { force: true });
    throw error;
  }
  await commitFile(metaTemp.path, metaPath, createDirs);
  await fsyncDir(path.dirname(dataPath));
  if (path.dirname(metaPath) !== path.dirname(dataPath)) await fsyncDir(path.dirname(metaPath));
  return { size: temp.size, etag: temp.md5, lastModified: temp.mtime, contentType };
}

/** Opens the data file and describes it; null when it does not exist (or is not a file). */
export async function openRecord(dataPath: string, metaPath: string): Promise<OpenRecord | null> {
  let handle: FileHandle;
  try {
    handle = await open(dataPath, 'r');
  } catch (error) {
    if (isCode(error, 'ENOENT', 'ENOTDIR', 'EISDIR')) return null;
    throw error;
  }
  try {
    const stat = await handle.stat({ bigint: true });
    if (!stat.isFile()) {
      await handle.close();
      return null;
    }
    const size = Number(stat.size);
    const sidecar = await readSidecar(metaPath);
    const matches =
      sidecar !== undefined &&
      sidecar.ino === stat.ino.toString() &&
      sidecar.mtimeNs === stat.mtimeNs.toString() &&
      sidecar.size === size;
    return {
      handle,
      size,
      etag: matches ? sidecar.etag : await md5Of(handle, size),
      lastModified: new Date(Number(stat.mtimeMs)),
      contentType: sidecar?.contentType,
    };
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
}

/** Like openRecord, but closes the file again. */
export async function statRecord(dataPath: string, metaPath: string): Promise<RecordInfo | null> {
  const record = await openRecord(dataPath, metaPath);
  if (record === null) return null;
  const { handle, ...info } = record;
  await handle.close();
  return info;
}

async function readSidecar(metaPath: string): Promise<Sidecar | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(metaPath, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const s = parsed as Partial<Sidecar>;
    if (typeof s.etag !== 'string' || typeof s.ino !== 'string' || typeof s.mtimeNs !== 'string') return undefined;
    if (typeof s.size !== 'number') return undefined;
    return {
      etag: s.etag,
      size: s.size,
      ino: s.ino,
      mtimeNs: s.mtimeNs,
      ...(typeof s.contentType === 'string' ? { contentType: s.contentType } : {}),
    };
  } catch {
    // Missing or unreadable sidecar: the data file is still the truth.
    return undefined;
  }
}

async function md5Of(handle: FileHandle, size: number): Promise<string> {
  const hash = createHash('md5');
  const buffer = Buffer.allocUnsafe(256 * 1024);
  let position = 0;
  while (position < size) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) break;
    hash.update(buffer.subarray(0, bytesRead));
    position += bytesRead;
  }
  return hash.digest('hex');
}
