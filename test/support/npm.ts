import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The environment a command typed in a shell would see: this process's, less what an enclosing
 * `npm test` adds for its own scripts (the project it runs in, its package fields).
 */
export function shellEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) =>
        !/^npm_(package|lifecycle)_/.test(key) && !['npm_config_local_prefix', 'npm_config_call'].includes(key),
    ),
  );
  return { ...env, ...extra };
}

/** Runs npm — the one running these tests, when there is one — and returns what it printed. */
export async function npm(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<string> {
  const execPath = process.env['npm_execpath'];
  const [file, fileArgs] =
    execPath && /npm-cli\.c?js$/.test(execPath) ? [process.execPath, [execPath, ...args]] : ['npm', args];
  const { stdout, stderr } = await run(file, fileArgs, {
    cwd: options.cwd,
    env: options.env ?? shellEnv(),
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout + stderr;
}
