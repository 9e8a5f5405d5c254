import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, open, readdir, rm, rmdir, stat, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import type { CreateServerOptions } from '../../src/index.js';
import type { BlobInfo } from '../../src/storage/blob-store.js';
import { LocalBlobStore } from '../../src/storage/disk/local-blob-store.js';
import { UploadSigner } from '../../src/storage/disk/upload-signer.js';

const run = promisify(execFile);
const FILLER = 'filler.bin';

/**
 * A small volume to run a server on until its disk is full. As root (here and in CI) it is a real
 * tmpfs of `sizeBytes`, so the kernel itself answers ENOSPC — to the blob store and to SQLite alike.
 * Without root, or where mounting is refused, it is simulated: a plain folder whose "capacity" is
 * `sizeBytes`, a disk store that fails its writes with ENOSPC at the byte where that capacity runs
 * out, and a free-space reading to match (SQLite does not share the simulation).
 */
export interface SmallVolume {
  kind: 'tmpfs' | 'simulated';
  dir: string;
  /** Why a simulation runs instead of a tmpfs, for the banner. */
  reason?: string;
  /** What createServer needs to see the simulation (nothing for a tmpfs). */
  serverOptions(deps: { secret: string; publicUrl: () => string }): Pick<CreateServerOptions, 'blobs' | 'freeBytes'>;
  freeBytes(): Promise<number>;
  /** Writes a filler file so that about `bytes` stay free (as much as fits, for 0). */
  leaveFree(bytes: number): Promise<void>;
  /** Deletes the filler: the space is back. */
  release(): Promise<void>;
  /** Unmounts (or deletes) everything; safe to call after a failure and more than once. */
  cleanup(): Promise<void>;
}

export async function openSmallVolume(sizeBytes: number): Promise<SmallVolume> {
  const dir = await mkdtemp(path.join(tmpdir(), 'aperture-volume-'));
  const mounted = await tryMount(dir, sizeBytes);
  if (mounted === true) return tmpfsVolume(dir);
  return simulatedVolume(dir, sizeBytes, mounted);
}

/** The line a test prints so that a run says which kind of full disk it exercised. */
export function volumeBanner(volume: SmallVolume, what: string): string {
  const line = '='.repeat(78);
  const kind =
    volume.kind === 'tmpfs'
      ? `a real tmpfs at ${volume.dir}: the kernel answers ENOSPC`
      : `SIMULATED (${volume.reason}): a disk store failing with ENOSPC; SQLite not covered`;
  return `\n${line}\n== ${what}: full disk on ${kind}\n${line}\n`;
}

async function tryMount(dir: string, sizeBytes: number): Promise<true | string> {
  // To run the fallback on a machine that could mount (it is what runs where tests are not root).
  if (process.env['APERTURE_TEST_SIMULATE_FULL_DISK'] === '1') return 'APERTURE_TEST_SIMULATE_FULL_DISK=1';
  if (process.getuid?.() !== 0) return 'not running as root';
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes},mode=0700`, 'tmpfs', dir]);
    return true;
  } catch (error) {
    return `mount refused: ${(error as Error).message.split('\n')[0]}`;
  }
}

function tmpfsVolume(dir: string): SmallVolume {
  let mounted = true;
  // Last resort for a run that ends without its afterAll (a worker torn down on a timeout).
  const unmountOnExit = () => {
    if (mounted) execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
  };
  process.once('exit', unmountOnExit);
  const freeBytes = async () => {
    const stats = await statfs(dir);
    return stats.bavail * stats.bsize;
  };
  return {
    kind: 'tmpfs',
    dir,
    serverOptions: () => ({}),
    freeBytes,
    leaveFree: (bytes) => fill(path.join(dir, FILLER), async () => (await freeBytes()) - Math.floor(bytes)),
    release: () => rm(path.join(dir, FILLER), { force: true }),
    async cleanup() {
      if (mounted) {
        // Lazy: a handle a failed test left open must not keep the volume (and the run) hanging.
        await run('umount', [dir]).catch(() => run('umount', ['-l', dir]));
        mounted = false;
        process.off('exit', unmountOnExit);
      }
      await rmdir(dir).catch(() => undefined);
    },
  };
}

function simulatedVolume(dir: string, capacity: number, reason: string): SmallVolume {
  const freeBytes = async () => capacity - (await usedBytes(dir));
  return {
    kind: 'simulated',
    dir,
    reason,
    serverOptions: ({ secret, publicUrl }) => ({
      blobs: new CappedBlobStore(
        { root: path.join(dir, 'media'), signer: new UploadSigner(secret), publicUrl },
        freeBytes,
      ),
      freeBytes: () => freeBytes(),
    }),
    freeBytes,
    leaveFree: (bytes) => fill(path.join(dir, FILLER), async () => (await freeBytes()) - Math.floor(bytes)),
    release: () => rm(path.join(dir, FILLER), { force: true }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Appends to `file` until `howMuchMore()` says enough, or the volume says ENOSPC. */
async function fill(file: string, howMuchMore: () => Promise<number>): Promise<void> {
  const handle = await open(file, 'a');
  const block = Buffer.alloc(64 * 1024, 0x5a);
  try {
    for (let left = await howMuchMore(); left > 0; left -= block.length) {
      await handle.write(block, 0, Math.min(block.length, left));
    }
    await handle.sync();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    await handle.close();
  }
}

async function usedBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name)).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

function enospc(): NodeJS.ErrnoException {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), {
    code: 'ENOSPC',
    errno: -28,
    syscall: 'write',
  });
}

/** A disk store whose writes fail with ENOSPC, as the kernel's would, once the simulated volume is full. */
class CappedBlobStore extends LocalBlobStore {
  constructor(
    options: ConstructorParameters<typeof LocalBlobStore>[0],
    private readonly free: () => Promise<number>,
  ) {
    super(options);
  }

  override async put(key: string, body: Buffer | Readable, options?: { contentType?: string }): Promise<BlobInfo> {
    return super.put(key, await this.capped(body), options);
  }

  override async receiveSignedUpload(
    token: string,
    body: Readable,
    options?: { maxBytes?: number },
  ): Promise<{ etag: string; size: number }> {
    return super.receiveSignedUpload(token, await this.capped(body), options);
  }

  private async capped<T extends Buffer | Readable>(body: T): Promise<T | Readable> {
    let room = await this.free();
    const source = Buffer.isBuffer(body) ? [body] : body.iterator({ destroyOnReturn: false });
    return Readable.from(
      (async function* () {
        for await (const chunk of source as AsyncIterable<Buffer>) {
          if (chunk.length > room) throw enospc();
          room -= chunk.length;
          yield chunk;
        }
      })(),
      { objectMode: false },
    );
  }
}
