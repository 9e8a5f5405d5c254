#!/usr/bin/env node
// `npm run bench [-- <name> …]`: runs the named benchmarks (all by default). Each one prints the
// ratio of Aperture against the raw baseline it names. Benchmarks are never part of `npm test`.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bench');
const available = (await readdir(dir)).filter((f) => f.endsWith('.js')).map((f) => f.replace(/\.js$/, ''));
// Leading bare words name benchmarks; everything from the first flag on is passed to them, so both
// `--users=100000` and `--users 100000` work.
const args = process.argv.slice(2);
const firstFlag = args.findIndex((a) => a.startsWith('-'));
const wanted = firstFlag === -1 ? args : args.slice(0, firstFlag);
const flags = firstFlag === -1 ? [] : args.slice(firstFlag);
const unknown = wanted.filter((w) => !available.includes(w));
if (unknown.length > 0) {
  console.error(`unknown benchmark: ${unknown.join(', ')} (available: ${available.join(', ')})`);
  process.exit(2);
}
for (const name of wanted.length > 0 ? wanted : available) {
  console.log(`\n# bench ${name}`);
  const { run } = await import(pathToFileURL(path.join(dir, `${name}.js`)).href);
  await run(flags);
}
