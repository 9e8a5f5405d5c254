import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The worker thread's entry file. From the build it sits next to this module. From the sources
 * (vitest) there is only worker.ts, which Node 20 worker threads cannot load, so the built copy
 * in dist/ is used: the worker then runs the last build of the scenarios.
 */
export function workerFile(): string {
  const beside = fileURLToPath(new URL('./worker.js', import.meta.url));
  if (existsSync(beside)) return beside;
  const built = fileURLToPath(new URL('../../dist/engine/worker.js', import.meta.url));
  if (existsSync(built)) return built;
  throw new Error('packages/loadgen/dist/engine/worker.js is missing: run npm run build first');
}
