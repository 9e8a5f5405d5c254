import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The executable npm links as `aperture`; it loads the built dist/bin.js. */
export const BIN = fileURLToPath(new URL('../../bin/aperture.js', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

export function requireBuild(): void {
  if (!existsSync(BUILT)) throw new Error('packages/cli/dist/bin.js is missing: run npm run build first');
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A private home for one test: XDG_CONFIG_HOME and HOME in a temp dir, nothing inherited. */
export interface CliHome {
  dir: string;
  configDir: string;
  env: NodeJS.ProcessEnv;
  run(args: string[], options?: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string }): Promise<CliResult>;
  cleanup(): Promise<void>;
}

export async function createCliHome(): Promise<CliHome> {
  const dir = await mkdtemp(join(tmpdir(), 'aperture-cli-'));
  const configDir = join(dir, 'config');
  // Only what node needs; no APERTURE_* from the developer's shell can leak into a test.
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], HOME: dir, XDG_CONFIG_HOME: configDir };
  return {
    dir,
    configDir,
    env,
    run: (args, options = {}) =>
      runCli(args, { env: { ...env, ...options.env }, input: options.input, cwd: options.cwd }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * Runs the built binary with stdin a pipe (never a terminal) holding `input`, in `cwd` (default:
 * the test's own, the repository).
 */
export function runCli(
  args: string[],
  options: { env: NodeJS.ProcessEnv; input?: string | undefined; cwd?: string | undefined },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: options.env,
      stdio: 'pipe',
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/**
 * Runs the built binary with stdout on a real pseudo-terminal (util-linux `script`), for what
 * people see: tables, colour. Returns everything the terminal showed (stdout and stderr mixed).
 */
export function runOnTerminal(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const quote = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`;
  const command = [process.execPath, BIN, ...args].map(quote).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], { env: { SHELL: '/bin/sh', ...env }, stdio: 'pipe' });
  let screen = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (screen += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', () => resolve(screen));
    child.stdin.end();
  });
}

/**
 * The arguments of `aperture register` for `username` (email derived from it, password read from
 * stdin), on `server` when given, plus any `extra` flags.
 */
export function registerArgs(username: string, server?: string, extra: string[] = []): string[] {
  return [
    'register',
    '--username',
    username,
    '--email',
    `${username}@example.com`,
    '--password-stdin',
    ...(server === undefined ? [] : ['--server', server]),
    ...extra,
  ];
}
