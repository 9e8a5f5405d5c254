import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { getPriority } from 'node:os';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BIN, createCliHome, requireBuild, type CliHome } from './support/cli.js';

let home: CliHome | undefined;
let child: ChildProcess | undefined;

beforeAll(() => {
  requireBuild();
});
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
  await home?.cleanup();
  home = undefined;
});

/** Resolves with the first URL the process prints on stdout; rejects if it exits first. */
function printedUrl(process: ChildProcess, output: { stdout: string; stderr: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    process.stdout?.on('data', () => {
      const match = /running at (http:\/\/\S+)/.exec(output.stdout);
      if (match?.[1]) resolve(match[1]);
    });
    process.on('exit', (code) =>
      reject(new Error(`serve exited with ${code} before printing a URL:\n${output.stderr}`)),
    );
  });
}

function exited(process: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (process.exitCode !== null || process.signalCode !== null) {
      resolve({ code: process.exitCode, signal: process.signalCode });
    } else {
      process.on('exit', (code, signal) => resolve({ code, signal }));
    }
  });
}

describe('aperture serve', () => {
  it('serves on a free port, answers /healthz, and stops cleanly on SIGTERM', async () => {
    home = await createCliHome();
    const output = { stdout: '', stderr: '' };
    child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data-dir', home.dir], {
      env: { ...home.env, APERTURE_LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output.stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk));

    const url = await printedUrl(child, output);
    expect(output.stdout).toContain('next: npx aperture register');

    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);

    child.kill('SIGTERM');
    expect(await exited(child)).toEqual({ code: 0, signal: null });
    expect(output.stderr).toContain('Stopped.');
  });

  it.runIf(process.platform === 'linux')(
    'runs at APERTURE_NICE on every thread; an api process keeps its priority unless told',
    async () => {
      const niceness = async (role: 'worker' | 'api', env: NodeJS.ProcessEnv) => {
        home = await createCliHome();
        const output = { stdout: '', stderr: '' };
        child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--role', role, '--data-dir', home.dir], {
          env: { ...home.env, APERTURE_LOG_LEVEL: 'silent', ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output.stdout += chunk));
        child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk));
        await printedUrl(child, output);
        // Its signal handlers are in place once it has said how to stop it.
        await expect.poll(() => output.stderr, { timeout: 10_000 }).toContain('Stop with Ctrl-C.');
        const pid = child.pid as number;
        // Field 19 of /proc/<pid>/task/<tid>/stat is the thread's niceness (fields after the name).
        const threads = (await readdir(`/proc/${pid}/task`)).map(async (tid) => {
          const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8');
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
        });
        const values = await Promise.all(threads);
        child.kill('SIGTERM');
        expect(await exited(child)).toEqual({ code: 0, signal: null });
        await home.cleanup();
        home = undefined;
        return { values, stderr: output.stderr };
      };
      const worker = await niceness('worker', { APERTURE_NICE: '7' });
      // The main thread, V8's helpers and the libuv pool, where sharp runs: at least eight threads.
      expect(worker.values.length).toBeGreaterThanOrEqual(8);
      // Started as this test runs (a CI may run everything under `nice`): raised to 7, never lowered.
      const base = getPriority();
      expect(new Set(worker.values)).toEqual(new Set([Math.max(7, base)]));
      expect(worker.stderr).toContain('(role: worker, niceness 7)');
      const api = await niceness('api', {});
      expect(new Set(api.values)).toEqual(new Set([base]));
      expect(api.stderr).toContain('(role: api)');
    },
  );

  it('logs a promise rejection nobody handled and keeps serving', async () => {
    home = await createCliHome();
    const output = { stdout: '', stderr: '' };
    // Stands in for a bug in some request's I/O: on SIGUSR2, a rejection nobody listens to.
    const plant = 'data:text/javascript,process.on("SIGUSR2",()=>{Promise.reject(new Error("planted rejection"))})';
    child = spawn(process.execPath, ['--import', plant, BIN, 'serve', '--port', '0', '--data-dir', home.dir], {
      env: { ...home.env, APERTURE_LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output.stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk));
    const url = await printedUrl(child, output);

    child.kill('SIGUSR2');
    // Logged on stderr: stdout carries only the URL line (or --json's object).
    for (let i = 0; i < 100 && !output.stderr.includes('planted rejection') && child.exitCode === null; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(child.exitCode).toBeNull();
    const logged = output.stderr.split('\n').find((line) => line.includes('planted rejection'));
    expect(JSON.parse(logged ?? '{}')).toMatchObject({
      level: 50,
      msg: expect.stringContaining('unhandled promise rejection'),
    });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    child.kill('SIGTERM');
    expect(await exited(child)).toEqual({ code: 0, signal: null });
  });

  it('exits 2 on a port that is not a number', async () => {
    home = await createCliHome();
    const result = await home.run(['serve', '--port', 'eighty']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--port');
  });
});

describe('aperture migrate', () => {
  it('migrates a fresh database, then finds it up to date', async () => {
    home = await createCliHome();
    const first = await home.run(['migrate', '--data-dir', home.dir, '--json']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const { applied } = JSON.parse(first.stdout) as { applied: string[] };
    expect(applied.length).toBeGreaterThan(0);

    const second = await home.run(['migrate', '--data-dir', home.dir]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('up to date');
  });
});
