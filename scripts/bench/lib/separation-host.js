// The separation benchmark's servers on SQLite. A SQLite file is served by one process at a time
// (db/node-leases.ts refuses a second one), so the reading API, the API that takes uploads and the
// worker-role server run in one child process, each in a worker thread of its own with its own event
// loop, as separate processes would on Postgres. The environment comes from the parent; the roles
// are set here. Prints `{"url": …, "writeUrl": …}` on one line once all listen; stops when its stdin
// closes.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createServer, loadConfig } from '@aperture/server';

if (isMainThread) {
  const start = (role) =>
    new Promise((resolve, reject) => {
      const worker = new Worker(new URL(import.meta.url), { workerData: { role } });
      worker.once('message', (url) => resolve({ worker, url }));
      worker.once('error', reject);
    });
  // The reading API first: it migrates and writes the secret the others then read.
  const api = await start('api');
  const writes = await start('api');
  const background = await start('worker');
  process.stdout.write(`${JSON.stringify({ url: api.url, writeUrl: writes.url })}\n`);
  process.stdin.resume();
  process.stdin.on('end', async () => {
    for (const { worker } of [background, writes, api]) {
      const stopped = new Promise((resolve) => worker.once('message', resolve));
      worker.postMessage('stop');
      await stopped;
      await worker.terminate();
    }
    process.exit(0);
  });
} else {
  const env = { ...process.env, APERTURE_ROLE: workerData.role, APERTURE_PORT: '0' };
  const server = await createServer(loadConfig(env), { shareSqliteInProcess: true });
  parentPort.postMessage(await server.start());
  parentPort.on('message', async () => {
    await server.stop();
    parentPort.postMessage('stopped');
  });
}
