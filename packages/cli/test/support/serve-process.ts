import { spawn, type ChildProcess } from 'node:child_process';
import { BIN } from './cli.js';

/** A running `aperture serve` child process. */
export interface ServeProcess {
  child: ChildProcess;
  url: string;
  /** Everything it printed so far (its pino log lines are on stderr). */
  output: { stdout: string; stderr: string };
  /** Resolves when it exits, with how. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Spawns the built `aperture serve` with `env` (APERTURE_PORT=0 picks a free port) and resolves
 * once it prints the URL it listens on; rejects if it exits first or says nothing for `timeoutMs`.
 */
export async function startServe(env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<ServeProcess> {
  const child = spawn(process.execPath, [BIN, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output.stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`serve printed no URL in ${timeoutMs} ms:\n${output.stderr}`)),
      timeoutMs,
    );
    child.stdout.on('data', () => {
      const match = /running at (http:\/\/\S+)/.exec(output.stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code ?? signal}) before printing a URL:\n${output.stderr}`));
    });
  });
  return { child, url, output, exited };
}
