import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { threadId } from 'node:worker_threads';
import type TypeScript from 'typescript';

let fromSources: string | undefined;

/**
 * The pipeline thread's entry file: pipeline/thread-entry.js beside this module in the build.
 *
 * Run from the TypeScript sources (the test suites alias @aperture/server to src/), there is only
 * thread-entry.ts, and a Node 20 worker thread loads JavaScript only. The entry and what it imports
 * from this package are then transpiled (TypeScript's transpileModule: no type check, no bundling)
 * into node_modules/.cache, so the thread runs the very sources under test, never a stale build.
 */
export function pipelineThreadFile(): string {
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith('.ts')) return fileURLToPath(new URL('./pipeline/thread-entry.js', import.meta.url));
  fromSources ??= transpileFromSources(path.join(path.dirname(here), 'pipeline', 'thread-entry.ts'));
  return fromSources;
}

const RELATIVE_IMPORT = /(?:from|import)\s+'(\.{1,2}\/[^']+)\.js'/g;

function transpileFromSources(entry: string): string {
  const ts = createRequire(import.meta.url)('typescript') as typeof TypeScript;
  const srcRoot = path.resolve(path.dirname(entry), '..', '..', '..');
  // Every source the entry reaches through relative imports, in a stable order.
  const sources = new Map<string, string>();
  const queue = [entry];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (sources.has(file)) continue;
    const text = readFileSync(file, 'utf8');
    sources.set(file, text);
    for (const [, specifier] of text.matchAll(RELATIVE_IMPORT)) {
      queue.push(path.resolve(path.dirname(file), `${specifier}.ts`));
    }
  }
  const hash = createHash('sha256');
  for (const [file, text] of [...sources].sort(([a], [b]) => a.localeCompare(b))) hash.update(file).update(text);
  // Under the package, so the thread resolves sharp and the other packages as the sources do.
  const cache = path.resolve(srcRoot, '..', 'node_modules', '.cache', 'aperture-pipeline-thread');
  const dir = path.join(cache, hash.digest('hex').slice(0, 16));
  const entryOut = path.join(dir, path.relative(srcRoot, entry).replace(/\.ts$/, '.js'));
  if (existsSync(entryOut)) return entryOut;

  // Written whole into a folder of this thread's own, then renamed into place: test files
  // running in parallel may all get here first.
  const staging = `${dir}.${process.pid}.${threadId}.${Date.now()}`;
  for (const [file, text] of sources) {
    const out = path.join(staging, path.relative(srcRoot, file).replace(/\.ts$/, '.js'));
    mkdirSync(path.dirname(out), { recursive: true });
    const { outputText } = ts.transpileModule(text, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    writeFileSync(out, outputText);
  }
  try {
    renameSync(staging, dir);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another process put the same files there
  }
  return entryOut;
}
