#!/usr/bin/env node
// `npm run docs:env`: rewrites the environment-variable tables of README.md and docs/configuration.md
// (between their env-table markers) from the server's config schema and its VARIABLE_DOCS. The docs
// test in packages/server/test/docs fails when a table differs from what this would write.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
// The built server (npm run docs:env builds it first): Node 20 cannot import the TypeScript source.
const { withEnvTable } = await import('../packages/server/dist/config/env-table.js');

for (const [file, kind] of [
  ['README.md', 'summary'],
  ['docs/configuration.md', 'reference'],
]) {
  const target = path.join(root, file);
  const before = await readFile(target, 'utf8');
  const after = withEnvTable(before, kind);
  if (after === before) {
    console.log(`${file}: up to date`);
  } else {
    await writeFile(target, after);
    console.log(`${file}: table rewritten`);
  }
}
