import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { MediaRejectedError } from '../errors.js';
import { SNIFF_BYTES } from './sniff.js';
import type { UploadInput } from './types.js';

/**
 * The bytes of one upload, wherever they live. A path or Blob is read again part by part when
 * sent, so a large file is never held in memory whole, let alone twice.
 */
export interface UploadSource {
  readonly size: number;
  /** The file name of a path input. */
  readonly filename: string | undefined;
  /** The first bytes, for format detection. */
  head(): Promise<Uint8Array>;
  /** Lower-case hex SHA-256 of all the bytes, read as a stream. */
  sha256(signal?: AbortSignal): Promise<string>;
  /** Bytes `[start, end)`. */
  read(start: number, end: number): Promise<Uint8Array>;
}

export const DEFAULT_MAX_BYTES = 25 * 1024 * 1024;
export const DEFAULT_MAX_VIDEO_BYTES = 512 * 1024 * 1024;

/** The most bytes a file may have: one number, or one read from its first bytes (images and videos differ). */
export type SizeLimit = number | ((head: Uint8Array) => number);

/** Opens `input`, refusing it with `FILE_TOO_LARGE` past its limit before reading it all. */
export async function openSource(input: UploadInput, limit: SizeLimit): Promise<UploadSource> {
  const limitOf = typeof limit === 'number' ? () => limit : limit;
  let source: UploadSource;
  if (typeof input === 'string') source = await pathSource(input);
  else if (input instanceof Uint8Array) source = bytesSource(input);
  else if (input instanceof Blob) source = blobSource(input);
  else source = bytesSource(await readAll(input, limitOf));
  const maxBytes = limitOf(await source.head());
  if (source.size > maxBytes) throw tooLarge(maxBytes);
  return source;
}

function bytesSource(bytes: Uint8Array): UploadSource {
  return {
    size: bytes.byteLength,
    filename: undefined,
    head: async () => bytes.subarray(0, SNIFF_BYTES),
    sha256: async () => createHash('sha256').update(bytes).digest('hex'),
    read: async (start, end) => bytes.subarray(start, end),
  };
}

function blobSource(blob: Blob): UploadSource {
  const bytesOf = async (b: Blob) => new Uint8Array(await b.arrayBuffer());
  return {
    size: blob.size,
    filename: typeof (blob as { name?: unknown }).name === 'string' ? (blob as File).name : undefined,
    head: () => bytesOf(blob.slice(0, SNIFF_BYTES)),
    sha256: async (signal) => {
      const hash = createHash('sha256');
      for await (const chunk of blob.stream() as ReadableStream<Uint8Array>) {
        signal?.throwIfAborted();
        hash.update(chunk);
      }
      return hash.digest('hex');
    },
    read: (start, end) => bytesOf(blob.slice(start, end)),
  };
}

async function pathSource(path: string): Promise<UploadSource> {
  const stats = await stat(path);
  if (!stats.isFile()) throw new Error(`${path} is not a file.`);
  const { size } = stats;
  return {
    size,
    filename: basename(path),
    head: () => readRange(path, 0, Math.min(size, SNIFF_BYTES)),
    sha256: async (signal) => {
      const hash = createHash('sha256');
      for await (const chunk of createReadStream(path, signal ? { signal } : {})) hash.update(chunk as Buffer);
      return hash.digest('hex');
    },
    read: (start, end) => readRange(path, start, end),
  };
}

async function readRange(path: string, start: number, end: number): Promise<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(end - start);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await file.read(buffer, filled, buffer.length - filled, start + filled);
      // The file shrank since it was measured; the server's size check will say so.
      if (bytesRead === 0) return buffer.subarray(0, filled);
      filled += bytesRead;
    }
    return buffer;
  } finally {
    await file.close();
  }
}

async function readAll(stream: AsyncIterable<Uint8Array>, limitOf: (head: Uint8Array) => number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let maxBytes: number | undefined;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += bytes.byteLength;
    chunks.push(bytes);
    // The limit is known once the first bytes say what the file is.
    if (maxBytes === undefined && size >= SNIFF_BYTES)
      maxBytes = limitOf(Buffer.concat(chunks).subarray(0, SNIFF_BYTES));
    // Stop reading at once: an endless stream must not fill the memory first.
    if (maxBytes !== undefined && size > maxBytes) throw tooLarge(maxBytes);
  }
  return Buffer.concat(chunks);
}

function tooLarge(maxBytes: number): MediaRejectedError {
  return new MediaRejectedError('FILE_TOO_LARGE', `The file is larger than the ${formatMiB(maxBytes)} limit.`, {
    status: 0,
  });
}

function formatMiB(bytes: number): string {
  const mib = bytes / 1024 / 1024;
  return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB`;
}
