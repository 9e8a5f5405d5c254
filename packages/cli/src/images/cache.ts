// Loaded by `aperture browse` before the UI: keep it free of sharp and of anything heavy.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The cache stays below this many bytes; the least recently used files go first. */
export const DEFAULT_IMAGE_CACHE_BYTES = 200 * 1024 * 1024;

/** `$XDG_CACHE_HOME/aperture/images`, else `~/.cache/aperture/images`. */
export function defaultImageCacheDir(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_CACHE_HOME;
  // The XDG spec says a relative path is invalid and must be ignored.
  const base = xdg && xdg.startsWith('/') ? xdg : join(env.HOME || homedir(), '.cache');
  return join(base, 'aperture', 'images');
}

/**
 * The cache key of a URL. Photos of non-public posts come with capability URLs whose `exp` and
 * `sig` change every few minutes while the file behind them never does (a derivative is
 * immutable), so those two parameters are left out: the same photo is fetched once, not once per
 * signature. Only a viewer the server gave a valid URL to ever asks for it.
 */
export function imageCacheKey(url: string): string {
  let normalized = url;
  try {
    const parsed = new URL(url);
    parsed.searchParams.delete('exp');
    parsed.searchParams.delete('sig');
    normalized = parsed.toString();
  } catch {
    // Not an absolute URL: the fetch will say so; key it as it is.
  }
  return createHash('sha256').update(normalized).digest('hex');
}

export interface ImageCacheOptions {
  /** Default {@link DEFAULT_IMAGE_CACHE_BYTES}. */
  maxBytes?: number;
}

/**
 * Image bytes by URL, kept on disk between runs. Files are written to a temporary name and
 * renamed, so a reader (another `aperture` process too) never sees half a file. Concurrent gets
 * of one URL share a single request.
 */
export class ImageCache {
  private readonly inFlight = new Map<string, Promise<Buffer>>();
  private readonly maxBytes: number;
  /** Bytes in the folder as last counted plus what we wrote since; null until first counted. */
  private knownBytes: number | null = null;

  constructor(
    readonly dir: string,
    private readonly fetchImpl: typeof fetch = fetch,
    options: ImageCacheOptions = {},
  ) {
    this.maxBytes = options.maxBytes ?? DEFAULT_IMAGE_CACHE_BYTES;
  }

  /** The image at `url`, from disk when cached. Rejects on a network error or a non-200 answer. */
  get(url: string): Promise<Buffer> {
    const key = imageCacheKey(url);
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const loading = this.load(key, url).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, loading);
    return loading;
  }

  private async load(key: string, url: string): Promise<Buffer> {
    const path = join(this.dir, key);
    const cached = await readFile(path).catch(() => null);
    if (cached) {
      // Reading refreshes the file's time, which is what eviction sorts by.
      const now = new Date();
      await utimes(path, now, now).catch(() => undefined);
      return cached;
    }
    const response = await this.fetchImpl(url);
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined);
      throw new Error(
        `Could not load the image (HTTP ${response.status} ${response.statusText}) from ${withoutQuery(url)}`,
      );
    }
    const bytes = Buffer.from(await response.arrayBuffer());
    await this.store(path, bytes);
    return bytes;
  }

  private async store(path: string, bytes: Buffer): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temp, bytes, { mode: 0o600 });
    await rename(temp, path);
    // The first count happens after the rename, so it already includes this file.
    this.knownBytes = this.knownBytes === null ? await this.countBytes() : this.knownBytes + bytes.length;
    if (this.knownBytes > this.maxBytes) await this.evict();
  }

  private async countBytes(): Promise<number> {
    return (await this.listFiles()).reduce((sum, file) => sum + file.size, 0);
  }

  /** Deletes the least recently used files until the folder is back under the limit. */
  private async evict(): Promise<void> {
    const files = (await this.listFiles()).sort((a, b) => a.mtimeMs - b.mtimeMs);
    let total = files.reduce((sum, file) => sum + file.size, 0);
    for (const file of files) {
      if (total <= this.maxBytes) break;
      // Another process may have removed it already; either way it no longer counts.
      await unlink(file.path).catch(() => undefined);
      total -= file.size;
    }
    this.knownBytes = total;
  }

  private async listFiles(): Promise<{ path: string; size: number; mtimeMs: number }[]> {
    const names = await readdir(this.dir).catch(() => []);
    const files = await Promise.all(
      names.map(async (name) => {
        const path = join(this.dir, name);
        const info = await stat(path).catch(() => null);
        return info?.isFile() ? { path, size: info.size, mtimeMs: info.mtimeMs } : null;
      }),
    );
    return files.filter((file) => file !== null);
  }
}

/** Signed URLs carry a capability in their query; error messages don't need it. */
function withoutQuery(url: string): string {
  const index = url.indexOf('?');
  return index === -1 ? url : url.slice(0, index);
}
