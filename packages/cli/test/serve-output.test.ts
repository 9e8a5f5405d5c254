import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BIN, createCliHome, requireBuild, type CliHome } from './support/cli.js';
import { hasTmux, shellQuote, startTmux, type TmuxSession } from './support/tmux.js';

/** The repository root, where `npm start` runs. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

if (!hasTmux) console.warn('serve-output.test.ts: the terminal test is skipped because tmux is not installed.');

interface Running {
  child: ChildProcess;
  output: { stdout: string; stderr: string };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: ChildProcess[] = [];
const homes: CliHome[] = [];
let tmux: TmuxSession | undefined;

beforeAll(() => {
  requireBuild();
});
afterEach(async () => {
  for (const child of started.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const home of homes.splice(0)) await home.cleanup();
  tmux?.kill();
  tmux = undefined;
});

async function home(): Promise<CliHome> {
  const h = await createCliHome();
  homes.push(h);
  return h;
}

function spawnServe(args: string[], env: NodeJS.ProcessEnv, options: { npm?: boolean } = {}): Running {
  const child = options.npm
    ? spawn('npm', ['start', '--', ...args], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, [BIN, 'serve', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  const output = { stdout: '', stderr: '' };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output.stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output, exited };
}

/** Waits (bounded) until `test()` holds or the process exits. */
async function until(test: () => boolean, running: Running, what: string): Promise<void> {
  for (let i = 0; i < 300 && !test(); i++) {
    if (running.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!test()) throw new Error(`no ${what}:\n${running.output.stdout}\n${running.output.stderr}`);
}

describe('aperture serve output', () => {
  it('--json prints exactly one JSON object on stdout; its logs go to stderr', async () => {
    const h = await home();
    const serve = spawnServe(['--json', '--port', '0', '--data-dir', h.dir], { ...h.env, APERTURE_LOG_LEVEL: 'info' });
    await until(() => serve.output.stdout.trim().endsWith('}'), serve, 'JSON object on stdout');
    const { url } = JSON.parse(serve.output.stdout) as { url: string };
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    await until(() => /"msg":"request"/.test(serve.output.stderr), serve, 'request log line on stderr');

    serve.child.kill('SIGTERM');
    expect(await serve.exited).toEqual({ code: 0, signal: null });
    // The whole of stdout is one JSON document: `serve --json | jq .url` works.
    expect(JSON.parse(serve.output.stdout)).toEqual({ url, dataDir: h.dir, role: 'all' });
    const logLines = serve.output.stderr.split('\n').filter((line) => line.startsWith('{'));
    // Piped, the log stays JSON (for collectors): the listening line and one line per request.
    expect(logLines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(
      expect.arrayContaining(['Server listening at ' + url, 'request']),
    );
  });

  it.skipIf(!hasTmux)('logs one human line per request when stderr is a terminal', async () => {
    const h = await home();
    const env = Object.entries({ ...h.env, APERTURE_LOG_LEVEL: 'info', NO_COLOR: '1' })
      .map(([key, value]) => `${key}=${shellQuote(value ?? '')}`)
      .join(' ');
    tmux = startTmux(`env ${env} ${process.execPath} ${BIN} serve --port 0 --data-dir ${shellQuote(h.dir)}`);
    const screen = await tmux.until((s) => /running at http:\/\/\S+/.test(s), 'the URL', 60_000);
    const url = /running at (http:\/\/\S+)/.exec(screen)![1]!;
    for (const path of ['/healthz', '/trpc/instance.info', '/no-such-page']) await fetch(`${url}${path}`);
    const logged = await tmux.until((s) => s.includes('/no-such-page'), 'the third request line');

    const requestLines = logged.split('\n').filter((line) => / (GET|POST) \//.test(line));
    expect(requestLines).toHaveLength(3);
    expect(requestLines[0]).toMatch(/^\d\d:\d\d:\d\d GET \/healthz 200 \d+ ms$/);
    expect(requestLines[1]).toMatch(/^\d\d:\d\d:\d\d GET \/trpc\/instance\.info 200 \d+ ms$/);
    expect(requestLines[2]).toMatch(/^\d\d:\d\d:\d\d GET \/no-such-page 404 \d+ ms$/);
    expect(logged).not.toContain('{"level"');
    tmux.sendKeys('C-c');
    await tmux.until((s) => s.includes('Stopped.'), 'the server to stop');
  });

  it('says which port is taken and how to pick another, without a stack (and from npm start)', async () => {
    const h = await home();
    const first = spawnServe(['--port', '0', '--data-dir', h.dir], { ...h.env, APERTURE_LOG_LEVEL: 'silent' });
    await until(() => /running at http:\/\/\S+/.test(first.output.stdout), first, 'URL');
    const port = new URL(/running at (http:\/\/\S+)/.exec(first.output.stdout)![1]!).port;

    // Outside a clone of the repository, `aperture serve` is what starts a server.
    const second = await h.run(['serve', '--port', port, '--data-dir', `${h.dir}/second`], { cwd: h.dir });
    expect(second.code).toBe(1);
    expect(second.stdout).toBe('');
    expect(second.stderr).toContain(`error: Port ${port} on 127.0.0.1 is already in use`);
    expect(second.stderr).toContain(
      'Start on another port: aperture serve --port 0 takes any free one; --port <n> a given one.',
    );
    expect(second.stderr).not.toMatch(/^\s+at /m);

    // A second `npm start` in the clone: the same, with the command that works there.
    const npm = spawnServe(['--port', port, '--data-dir', `${h.dir}/third`], h.env, { npm: true });
    expect((await npm.exited).code).toBe(1);
    expect(npm.output.stderr).toContain(`error: Port ${port} on 127.0.0.1 is already in use`);
    expect(npm.output.stderr).toContain('npm start -- --port 0 (or: npx aperture serve --port 0) takes any free one');
    expect(npm.output.stderr).not.toMatch(/^\s+at /m);

    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
  });

  it('stops cleanly on Ctrl-C (SIGINT) and exits 130, as every command does', async () => {
    const h = await home();
    const serve = spawnServe(['--port', '0', '--data-dir', h.dir], { ...h.env, APERTURE_LOG_LEVEL: 'silent' });
    await until(() => serve.output.stdout.includes('running at'), serve, 'URL');
    serve.child.kill('SIGINT');
    expect(await serve.exited).toEqual({ code: 130, signal: null });
    expect(serve.output.stderr).toContain('SIGINT: stopping…');
    expect(serve.output.stderr).toContain('Stopped.');
    expect(serve.output.stderr).not.toContain('error');
  });
});
