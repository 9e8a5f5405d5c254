import { chmod, copyFile, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../errors/app-error.js';
import { VideoTools } from './tools.js';

const bundled = (name: string) => (createRequire(import.meta.url)(name) as { path: string }).path;
const ffmpeg = bundled('@ffmpeg-installer/ffmpeg');
const ffprobe = bundled('@ffprobe-installer/ffprobe');

/** ffmpeg reading a generated picture in real time: a child that runs until it is killed. */
const ENDLESS = ['-v', 'error', '-nostdin', '-re', '-f', 'lavfi', '-i', 'nullsrc=s=16x16:r=5', '-f', 'null', '-'];

const codeOf = async (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof AppError ? error.code : String(error)),
  );

/** Whether a process id is still alive (signal 0 only checks). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the video tools', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'aperture-tools-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const tools = (paths: Partial<{ ffmpegPath: string; ffprobePath: string }> = {}) =>
    new VideoTools({
      paths: { ffmpegPath: paths.ffmpegPath, ffprobePath: paths.ffprobePath },
      cacheDir: path.join(dir, 'cache'),
      recheckMs: 0,
    });

  it('runs the bundled binaries', async () => {
    const bundledTools = tools();
    await bundledTools.check();
    const version = await bundledTools.run('ffprobe', ['-version'], { timeoutMs: 15_000 });
    expect(version.stdout).toMatch(/^ffprobe version/);
  });

  it('says why video is unavailable when a configured binary is missing or does not run', async () => {
    expect(await codeOf(tools({ ffprobePath: path.join(dir, 'nowhere') }).check())).toBe('VIDEO_TOOLS_UNAVAILABLE');
    const garbage = path.join(dir, 'garbage');
    await writeFile(garbage, 'not a program\n', { mode: 0o755 });
    const broken = tools({ ffmpegPath: garbage });
    expect(await codeOf(broken.check())).toBe('VIDEO_TOOLS_UNAVAILABLE');
    await expect(broken.check()).rejects.toThrow(/ffmpeg at .*garbage does not run/);
    // Fixed in place, it is found again at the next check.
    await copyFile(ffmpeg, garbage);
    expect(await codeOf(broken.check())).toBe('resolved');
  });

  it('runs a binary left without its execute bit from a private executable copy', async () => {
    const plain = path.join(dir, 'ffprobe-no-x');
    await copyFile(ffprobe, plain);
    // As npm leaves it when install scripts do not run: readable, not executable.
    await chmod(plain, 0o644);
    const modeBefore = (await stat(plain)).mode;
    const copied = tools({ ffprobePath: plain });
    await copied.check();
    const cached = await readdir(path.join(dir, 'cache'));
    expect(cached).toEqual([expect.stringMatching(/^ffprobe-/)]);
    expect((await stat(path.join(dir, 'cache', cached[0]!))).mode & 0o777).toBe(0o700);
    // The original is left as it was.
    expect((await stat(plain)).mode).toBe(modeBefore);
    expect((await copied.run('ffprobe', ['-version'], { timeoutMs: 15_000 })).exitCode).toBe(0);
  });

  it('kills a child that outlives its wall-clock limit', async () => {
    const limited = tools();
    const started = Date.now();
    const result = await limited.run('ffmpeg', ENDLESS, { timeoutMs: 500 });
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBeNull();
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(limited.running).toBe(0);
  });

  it('kills every running child on stop and starts none after', async () => {
    const stopping = tools();
    await stopping.check();
    const pids: number[] = [];
    const runs = [1, 2].map(() =>
      stopping.run('ffmpeg', ENDLESS, { timeoutMs: 120_000, onSpawn: (pid) => pids.push(pid) }),
    );
    const deadline = Date.now() + 20_000;
    while (stopping.running < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stopping.running).toBe(2);
    await stopping.stop();
    for (const result of await Promise.all(runs)) expect(result).toMatchObject({ exitCode: null, stopped: true });
    expect(pids.filter(alive)).toEqual([]);
    expect(await codeOf(stopping.run('ffprobe', ['-version'], { timeoutMs: 15_000 }))).toBe('VIDEO_TOOLS_UNAVAILABLE');
  });
});
