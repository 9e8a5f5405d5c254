import { statfs } from 'node:fs/promises';
import path from 'node:path';
import { isCode } from '../lib/errno.js';
import { StorageFullError } from './errors.js';

/** Bytes available to this process on the volume holding `dir`. */
export type FreeBytesProbe = (dir: string) => Promise<number>;

export interface FreeSpaceGuardOptions {
  /** Folders whose volumes must keep room: the disk store's root, the SQLite file's folder. */
  paths: readonly string[];
  /** Below this many free bytes on any of them, writes of new content are refused. 0 turns the floor off. */
  minFreeBytes: number;
  /** How long one reading is reused, so that a hot path does not statfs per request. */
  cacheMs?: number;
  clock?: () => number;
  /** How free space is read (default: `statfs`); tests simulate a volume through it. */
  probe?: FreeBytesProbe;
}

/** The tightest of the watched volumes at the last reading. */
export interface FreeSpaceReading {
  ok: boolean;
  /** The folder with the least room, and that room; undefined when nothing is watched. */
  path: string | undefined;
  freeBytes: number | undefined;
  minFreeBytes: number;
  /** Why the reading failed, when it did (a missing or unreadable folder). */
  error?: string;
}

const DEFAULT_CACHE_MS = 1_000;

/**
 * Keeps new content off a nearly full volume. A full disk fails writes half-way (and stops SQLite,
 * which shares it), so uploads are refused up front while free space is below the floor, and
 * /readyz says so. An unreadable volume never blocks writes: the write itself will tell.
 */
export class FreeSpaceGuard {
  readonly #paths: readonly string[];
  readonly #minFreeBytes: number;
  readonly #cacheMs: number;
  readonly #clock: () => number;
  readonly #probe: FreeBytesProbe;
  #cached: { at: number; reading: Promise<FreeSpaceReading> } | undefined;

  constructor(options: FreeSpaceGuardOptions) {
    this.#paths = [...new Set(options.paths.map((p) => path.resolve(p)))];
    this.#minFreeBytes = Math.max(0, options.minFreeBytes);
    this.#cacheMs = options.cacheMs ?? DEFAULT_CACHE_MS;
    this.#clock = options.clock ?? Date.now;
    this.#probe = options.probe ?? statfsFreeBytes;
  }

  /** Whether nothing is watched (an S3 store over Postgres, or a floor of 0). */
  get idle(): boolean {
    return this.#paths.length === 0 || this.#minFreeBytes === 0;
  }

  /** The current reading, at most `cacheMs` old; concurrent callers share one statfs. */
  read(): Promise<FreeSpaceReading> {
    const now = this.#clock();
    if (!this.#cached || now - this.#cached.at >= this.#cacheMs) {
      this.#cached = { at: now, reading: this.#measure() };
    }
    return this.#cached.reading;
  }

  /** Throws StorageFullError while free space is below the floor. */
  async assertRoom(): Promise<void> {
    if (this.idle) return;
    const reading = await this.read();
    if (!reading.ok && reading.error === undefined) throw new StorageFullError(describe(reading));
  }

  /**
   * Throws StorageFullError when writing `bytes` more into `dir` would take its volume below the
   * floor: for a large scratch copy (a video being probed or transcoded), measured afresh since
   * the copy may be hundreds of megabytes. Any folder, watched or not; an unreadable volume never
   * blocks, and a floor of 0 checks nothing.
   */
  async assertRoomFor(dir: string, bytes: number): Promise<void> {
    if (this.#minFreeBytes === 0) return;
    let freeBytes: number;
    try {
      freeBytes = await this.#probe(await existingAncestor(path.resolve(dir)));
    } catch {
      return;
    }
    if (freeBytes - bytes < this.#minFreeBytes) {
      throw new StorageFullError(
        `${mib(freeBytes)} free at ${dir}: a copy of ${mib(bytes)} would leave less than the ${mib(this.#minFreeBytes)} floor`,
      );
    }
  }

  /** For /readyz: throws, naming the volume and its free space, when below the floor or unreadable. */
  async check(): Promise<void> {
    if (this.idle) return;
    const reading = await this.read();
    if (reading.error !== undefined) throw new Error(reading.error);
    if (!reading.ok) throw new Error(describe(reading));
  }

  async #measure(): Promise<FreeSpaceReading> {
    const minFreeBytes = this.#minFreeBytes;
    let tightest: { path: string; freeBytes: number } | undefined;
    try {
      for (const dir of this.#paths) {
        const freeBytes = await this.#probe(await existingAncestor(dir));
        if (!tightest || freeBytes < tightest.freeBytes) tightest = { path: dir, freeBytes };
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { ok: true, path: undefined, freeBytes: undefined, minFreeBytes, error: `free space unknown: ${reason}` };
    }
    return {
      ok: tightest === undefined || tightest.freeBytes >= minFreeBytes,
      path: tightest?.path,
      freeBytes: tightest?.freeBytes,
      minFreeBytes,
    };
  }
}

async function statfsFreeBytes(dir: string): Promise<number> {
  const stats = await statfs(dir);
  // bavail, not bfree: blocks reserved for root are not ours to fill.
  return stats.bavail * stats.bsize;
}

/** The folder itself, or the nearest parent that exists (a store's root appears on its first write). */
async function existingAncestor(dir: string): Promise<string> {
  for (let current = dir; ; current = path.dirname(current)) {
    try {
      await statfs(current);
      return current;
    } catch (error) {
      if (!isCode(error, 'ENOENT', 'ENOTDIR') || path.dirname(current) === current) throw error;
    }
  }
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

function describe(reading: FreeSpaceReading): string {
  return `${mib(reading.freeBytes ?? 0)} free at ${reading.path ?? '?'}, below the ${mib(reading.minFreeBytes)} floor`;
}
