// The feed benchmark's servers run in a worker thread, so the load generator does not share their
// event loop (on 2 cores: one for the servers, one for the client). Only one side is driven at a
// time. The main thread talks to it one request, one reply.
import path from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createServer, loadConfig } from '@aperture/server';
import { floorRoute } from './feed-floor.js';
import { floorRoutePg } from './feed-floor-pg.js';
import { threadCpuMs } from './paired.js';

/** A worker thread hosting servers with `env`: call(command, args) → its result; stop(). */
export function serverThread(env, { publicUrl, page }) {
  const worker = new Worker(new URL(import.meta.url), { workerData: { feedBench: { env, publicUrl, page } } });
  worker.on('error', (error) => console.error('server thread failed:', error));
  let next = 0;
  return {
    call(command, args) {
      const id = ++next;
      worker.postMessage({ id, command, args });
      return new Promise((resolve, reject) => {
        const onMessage = (message) => {
          if (message.id !== id) return;
          worker.off('message', onMessage);
          if (message.error) reject(new Error(message.error));
          else resolve(message.result);
        };
        worker.on('message', onMessage);
      });
    },
    async stop() {
      await this.call('stop');
      await worker.terminate();
    },
  };
}

function floorFor(env, options) {
  const url = env.APERTURE_DATABASE_URL;
  if (url?.startsWith('postgres')) return floorRoutePg(url, options);
  return floorRoute(path.join(env.APERTURE_DATA_DIR, 'aperture.db'), options);
}

if (!isMainThread && workerData?.feedBench) {
  const { env, publicUrl, page } = workerData.feedBench;
  const open = [];
  const commands = {
    async start() {
      // Several servers of this process serve the one SQLite file (this thread's two, the worker
      // thread's): allowed within one process only, which is what the bench is.
      const server = await createServer(loadConfig(env), { shareSqliteInProcess: true });
      const floor = floorFor(env, { publicUrl, page });
      // A second API server on the same database with its own URLs, for the fan-out probe's upload.
      const { APERTURE_PUBLIC_URL: _benchUrls, ...own } = env;
      const uploads = await createServer(loadConfig(own), { shareSqliteInProcess: true });
      open.push(
        () => server.stop(),
        () => floor.close(),
        () => uploads.stop(),
      );
      const url = await server.start();
      await floor.app.listen({ host: '127.0.0.1', port: 0 });
      return {
        url,
        floorUrl: `http://127.0.0.1:${floor.app.server.address().port}/floor`,
        mediaUrl: await uploads.start(),
      };
    },
    async 'start-worker'() {
      const server = await createServer(loadConfig(env), { shareSqliteInProcess: true });
      open.push(() => server.stop());
      await server.start();
    },
    /** This thread's CPU time (null where unknown) and event-loop busy time so far, in milliseconds. */
    cost: () => ({ cpuMs: threadCpuMs() ?? null, busyMs: performance.eventLoopUtilization().active }),
    async stop() {
      while (open.length > 0) await open.pop()();
    },
  };
  parentPort.on('message', async ({ id, command, args }) => {
    try {
      parentPort.postMessage({ id, result: await commands[command](args) });
    } catch (error) {
      parentPort.postMessage({ id, error: error instanceof Error ? error.stack : String(error) });
    }
  });
}
