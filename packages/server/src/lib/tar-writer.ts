import type { Readable } from 'node:stream';

/**
 * One file of a tar archive: its bytes at once, or opened when its turn comes (a stream of exactly
 * `size` bytes; null: the file is gone, and the archive leaves it out).
 */
export type TarEntry =
  | { name: string; mtime: Date; data: Buffer }
  | { name: string; mtime: Date; open: () => Promise<{ size: number; body: Readable } | null> };

const BLOCK = 512;
/** The largest size the 11 octal digits of a ustar header hold; larger ones use base-256 (GNU, POSIX.1-2008). */
const MAX_OCTAL_SIZE = 8 ** 11 - 1;

/** Thrown when a streamed entry's bytes are not the size its header announced (the archive would be corrupt). */
export class TarSizeMismatchError extends Error {
  override readonly name = 'TarSizeMismatchError';
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

/** A ustar header block for a regular file. Names are ASCII of at most 100 bytes (the caller's names are). */
export function tarHeader(name: string, size: number, mtime: Date): Buffer {
  const header = Buffer.alloc(BLOCK, 0);
  const nameBytes = Buffer.from(name, 'utf8');
  if (nameBytes.length > 100) throw new RangeError(`tar entry name longer than 100 bytes: ${name}`);
  nameBytes.copy(header, 0);
  header.write(octal(0o644, 8), 100, 'ascii');
  header.write(octal(0, 8), 108, 'ascii');
  header.write(octal(0, 8), 116, 'ascii');
  if (size <= MAX_OCTAL_SIZE) {
    header.write(octal(size, 12), 124, 'ascii');
  } else {
    // Base-256: the first byte's high bit set, the size big-endian in the rest of the field.
    header[124] = 0x80;
    header.writeBigUInt64BE(BigInt(size), 128);
  }
  header.write(octal(Math.floor(mtime.getTime() / 1000), 12), 136, 'ascii');
  header.write('        ', 148, 'ascii');
  header.write('0', 156, 'ascii');
  header.write('ustar\0', 257, 'ascii');
  header.write('00', 263, 'ascii');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(octal(sum, 7) + ' ', 148, 'ascii');
  return header;
}

function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return Buffer.alloc(rest === 0 ? 0 : BLOCK - rest, 0);
}

/**
 * The bytes of a tar archive of `entries`, produced as they are read: a streamed entry is read
 * only when its turn comes, so an archive of gigabytes of media never sits in memory.
 * `beforeEntry` runs before each entry (a place to stop: throw) and `afterEntry` after it.
 */
export async function* tarStream(
  entries: AsyncIterable<TarEntry> | Iterable<TarEntry>,
  hooks: { beforeEntry?: (entry: TarEntry) => void; afterEntry?: (entry: TarEntry) => Promise<void> } = {},
): AsyncGenerator<Buffer> {
  for await (const entry of entries) {
    hooks.beforeEntry?.(entry);
    if ('data' in entry) {
      yield tarHeader(entry.name, entry.data.length, entry.mtime);
      yield entry.data;
      yield padding(entry.data.length);
    } else {
      const file = await entry.open();
      if (file !== null) {
        yield tarHeader(entry.name, file.size, entry.mtime);
        let written = 0;
        for await (const chunk of file.body) {
          const bytes = chunk as Buffer;
          written += bytes.length;
          if (written > file.size) break;
          yield bytes;
        }
        if (written !== file.size) {
          file.body.destroy();
          throw new TarSizeMismatchError(`${entry.name}: expected ${file.size} bytes, read ${written}`);
        }
        yield padding(file.size);
      }
    }
    await hooks.afterEntry?.(entry);
  }
  // The end of an archive: two zero blocks.
  yield Buffer.alloc(BLOCK * 2, 0);
}
