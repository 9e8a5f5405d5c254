// The separation benchmark's server processes, sharing one database and one data directory (the
// disk blob store and the secret), as a deployment that separates reads, writes and background work
// runs them: an API-role server the feed reads go to, a second API-role server that takes the
// uploads (the design notes' separate upload service), and a worker-role server that processes them.
// - Postgres: three `aperture serve` processes, `--role api` twice and `--role worker`, niced as
//   operations.md recommends: the worker at its default 19, the uploading API at APERTURE_NICE=19.
// - SQLite: one process serves a file, so the three run in one child process, each in a thread
//   of its own (separation-host.js).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../../packages/cli/bin/aperture.js', import.meta.url));
const HOST = fileURLToPath(new URL('./separation-host.js', import.meta.url));

/** Resolves with what `find` extracts from a line of the child's stdout; rejects if it exits first. */
function firstMatch(child, find, stderr) {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const found = find(line);
      if (found !== undefined) resolve(found);
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`a bench server exited (${code ?? signal}) before it listened:\n${stderr.join('')}`)),
    );
  });
}

function collectStderr(child) {
  const stderr = [];
  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    stderr.push(chunk);
    if (stderr.length > 50) stderr.shift();
  });
  return stderr;
}

async function serve(env, role, extraEnv = {}) {
  const child = spawn(process.execPath, [CLI, 'serve', '--role', role, '--port', '0'], {
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await firstMatch(child, (line) => /running at (http:\/\/\S+)/.exec(line)?.[1], collectStderr(child));
  return {
    url,
    pid: child.pid,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function sqliteHost(env) {
  const child = spawn(process.execPath, [HOST], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const { url, writeUrl } = await firstMatch(child, (line) => JSON.parse(line), collectStderr(child));
  return {
    url,
    writeUrl,
    pid: child.pid,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin.end();
      await exited;
    },
  };
}

/**
 * Starts the reading API, the uploading API and the worker on `env`'s database; returns the reading
 * API's URL (`url`), the uploading one's (`writeUrl`) and stop().
 */
export async function startSeparatedServers(dialect, env) {
  const full = { ...process.env, ...env };
  if (dialect === 'sqlite') {
    const host = await sqliteHost(full);
    return {
      url: host.url,
      writeUrl: host.writeUrl,
      processes: 'one process; the reading API, the uploading API and the worker in a thread each',
      stop: () => host.stop(),
    };
  }
  // The reading API first: it migrates and writes the secret the others then read.
  const started = [await serve(full, 'api')];
  try {
    started.push(await serve(full, 'api', { APERTURE_NICE: '19' }), await serve(full, 'worker'));
  } catch (error) {
    for (const server of started.reverse()) await server.stop();
    throw error;
  }
  const [api, writes, worker] = started;
  return {
    url: api.url,
    writeUrl: writes.url,
    processes:
      `three processes, aperture serve --role api for reads (pid ${api.pid}) and for uploads ` +
      `(pid ${writes.pid}, APERTURE_NICE=19), --role worker (pid ${worker.pid}, niceness 19 by default)`,
    async stop() {
      for (const server of [worker, writes, api]) await server.stop();
    },
  };
}
