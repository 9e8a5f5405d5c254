import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:fs';
import { access, chmod, copyFile, mkdir, rename, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { AppError } from '../../../errors/app-error.js';

export type VideoTool = 'ffmpeg' | 'ffprobe';

/** The registry packages that carry each binary for the platform npm installed them on. */
const BUNDLED: Record<VideoTool, string> = {
  ffmpeg: '@ffmpeg-installer/ffmpeg',
  ffprobe: '@ffprobe-installer/ffprobe',
};

export interface VideoToolsOptions {
  /** Binaries to run instead of the bundled ones (APERTURE_FFMPEG_PATH, APERTURE_FFPROBE_PATH). */
  paths: { ffmpegPath: string | undefined; ffprobePath: string | undefined };
  /**
   * A folder only this server writes: a binary installed without its execute bit (npm run without
   * install scripts leaves it so) is copied there and made executable, never changed in place.
   */
  cacheDir: string;
  /** Threads one child may use (`-threads`): each child stays within its share of the box. */
  threads?: number;
  /** How long a failed check is believed before the binaries are looked at again (30 s). */
  recheckMs?: number;
}

export interface RunOptions {
  /** Wall-clock limit: the child is killed when it runs longer. */
  timeoutMs: number;
  /** Each chunk of standard output as it arrives (`-progress pipe:1`). */
  onStdout?: (chunk: string) => void;
  /** The child's process id, once it started. */
  onSpawn?: (pid: number) => void;
}

export interface RunResult {
  exitCode: number | null;
  timedOut: boolean;
  /** Killed by the server's stop: the run says nothing about its input. */
  stopped: boolean;
  stdout: string;
  /** The last 8 KiB of standard error: ffmpeg's reasons, for logs. */
  stderr: string;
}

/** Output kept per child: enough for ffprobe's JSON of any accepted file. */
const MAX_STDOUT = 4 * 1024 * 1024;
const MAX_STDERR = 8 * 1024;
const VERIFY_TIMEOUT_MS = 15_000;

/**
 * ffmpeg and ffprobe as child processes: found (bundled, or where the config says), checked once
 * (`-version`), and run only with an argument array — never through a shell — under a wall-clock
 * limit. Every running child is known, so a stop kills them all and none outlives the server.
 * Callers pass only paths of local temp files the server wrote, behind `-protocol_whitelist file`.
 */
export class VideoTools {
  readonly threads: number;
  private readonly children = new Set<ChildProcess>();
  private checked: { at: number; result: Promise<Record<VideoTool, string>>; failed: boolean } | undefined;
  private stopped = false;

  constructor(private readonly options: VideoToolsOptions) {
    this.threads = options.threads ?? 1;
  }

  /** Resolves when both tools run; otherwise throws VIDEO_TOOLS_UNAVAILABLE saying why. */
  async check(): Promise<void> {
    await this.binaries();
  }

  /** Children running now (for tests and metrics). */
  get running(): number {
    return this.children.size;
  }

  /** Process ids of the children running now (for tests that kill one, as the OOM killer would). */
  get runningPids(): number[] {
    return [...this.children].flatMap((child) => (child.pid === undefined ? [] : [child.pid]));
  }

  async run(tool: VideoTool, args: string[], options: RunOptions): Promise<RunResult> {
    const binary = (await this.binaries())[tool];
    return this.spawnChild(binary, args, options);
  }

  /** Kills every running child and refuses new ones; resolves once all have exited. */
  async stop(): Promise<void> {
    this.stopped = true;
    const exits = [...this.children].map(
      (child) =>
        new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('close', () => resolve()))),
    );
    for (const child of this.children) child.kill('SIGKILL');
    await Promise.all(exits);
  }

  private binaries(): Promise<Record<VideoTool, string>> {
    const recheckMs = this.options.recheckMs ?? 30_000;
    const previous = this.checked;
    if (previous && !(previous.failed && Date.now() - previous.at >= recheckMs)) return previous.result;
    const result = this.locateAndVerify();
    const entry = { at: Date.now(), result, failed: false };
    result.catch(() => {
      entry.failed = true;
    });
    this.checked = entry;
    return result;
  }

  private async locateAndVerify(): Promise<Record<VideoTool, string>> {
    const ffmpeg = await this.usable('ffmpeg', this.options.paths.ffmpegPath);
    const ffprobe = await this.usable('ffprobe', this.options.paths.ffprobePath);
    return { ffmpeg, ffprobe };
  }

  private async usable(tool: VideoTool, configured: string | undefined): Promise<string> {
    const unavailable = (why: string) =>
      new AppError('VIDEO_TOOLS_UNAVAILABLE', `Video uploads are disabled on this server: ${tool} ${why}.`);
    const found = configured ?? bundledPath(tool);
    if (!found) throw unavailable('is not bundled for this platform, and no path is configured');
    const info = await stat(found).catch(() => undefined);
    if (!info?.isFile()) throw unavailable(`was not found at ${found}`);
    const binary = await this.executable(tool, found, info.size, info.mtimeMs).catch(() => undefined);
    if (!binary) throw unavailable(`at ${found} is not executable`);
    const version = await this.spawnChild(binary, ['-hide_banner', '-version'], { timeoutMs: VERIFY_TIMEOUT_MS }).catch(
      (error: Error) => ({ exitCode: null, timedOut: false, stopped: false, stdout: '', stderr: error.message }),
    );
    if (version.exitCode !== 0 || !version.stdout.startsWith(`${tool} version`)) {
      throw unavailable(
        `at ${found} does not run (${version.timedOut ? 'timed out' : version.stderr.trim() || 'no version'})`,
      );
    }
    return binary;
  }

  /** The path itself when it may be executed; else a private executable copy of it. */
  private async executable(tool: VideoTool, file: string, size: number, mtimeMs: number): Promise<string> {
    if (
      await access(file, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return file;
    await mkdir(this.options.cacheDir, { recursive: true, mode: 0o700 });
    // Named after what it copies: a changed binary gets a new copy, an unchanged one is reused.
    const copy = path.join(this.options.cacheDir, `${tool}-${size}-${Math.floor(mtimeMs)}`);
    if (
      await access(copy, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return copy;
    const partial = `${copy}.${process.pid}.partial`;
    await copyFile(file, partial);
    await chmod(partial, 0o700);
    await rename(partial, copy);
    return copy;
  }

  private spawnChild(binary: string, args: string[], options: RunOptions): Promise<RunResult> {
    if (this.stopped) return Promise.reject(new AppError('VIDEO_TOOLS_UNAVAILABLE', 'The server is stopping.'));
    return new Promise((resolve, reject) => {
      // No shell, no inherited environment: nothing in a file name or a variable can reach a command line.
      const child = spawn(binary, args, { shell: false, stdio: ['ignore', 'pipe', 'pipe'], env: { LC_ALL: 'C' } });
      this.children.add(child);
      if (child.pid !== undefined) options.onSpawn?.(child.pid);
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, options.timeoutMs);
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        if (stdout.length < MAX_STDOUT) stdout += chunk;
        options.onStdout?.(chunk);
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr = (stderr + chunk).slice(-MAX_STDERR);
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        this.children.delete(child);
        reject(error);
      });
      child.once('close', (exitCode) => {
        clearTimeout(timer);
        this.children.delete(child);
        resolve({ exitCode, timedOut, stopped: this.stopped && exitCode === null, stdout, stderr });
      });
    });
  }
}

/** Where the installer package put this platform's binary; undefined when it has none. */
function bundledPath(tool: VideoTool): string | undefined {
  try {
    // The installer packages are CommonJS and throw (a string) on platforms they do not cover.
    const installer = createRequire(import.meta.url)(BUNDLED[tool]) as { path?: unknown };
    return typeof installer.path === 'string' ? installer.path : undefined;
  } catch {
    return undefined;
  }
}
