#!/usr/bin/env node
// What `npm install` runs after installing (the `prepare` script): just enough build to run every
// package from a clone — `npm start`, the `aperture` command, `npm test`, the SDK's packed types.
//
// It differs from `npm run build` in two ways, both to keep a first install short:
// - `tsc -b --noCheck` emits JavaScript and declarations without type-checking. TypeScript records
//   the skipped checks in each project's build info, so the next plain `tsc -b` (`npm run build`,
//   `npm run typecheck`, CI) still checks everything.
// - The SDK's bundled declarations (packages/sdk/dist/bundle.d.ts) are rebuilt only when their
//   inputs changed: a second `npm install` (after a pull, say) skips rollup.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const sdk = join(root, 'packages', 'sdk');
const bundle = join(sdk, 'dist', 'bundle.d.ts');
// Outside dist/, so that `npm pack` leaves it out.
const stamp = join(root, 'node_modules', '.cache', 'aperture', 'sdk-bundle-inputs');

function run(args, cwd) {
  const result = spawnSync(process.execPath, args, { cwd, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function declarationsUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.d.ts'))
    .map((file) => join(dir, file));
}

/** A digest of everything the bundle is made from, including the versions of the tools making it. */
function bundleInputsDigest() {
  const files = [
    ...declarationsUnder(join(sdk, 'dist')).filter((file) => file !== bundle),
    ...declarationsUnder(join(root, 'packages', 'server', 'dist')),
    join(sdk, 'rollup.types.config.js'),
    join(sdk, 'package.json'),
    join(sdk, 'tsconfig.json'),
    ...['rollup', 'rollup-plugin-dts', 'typescript'].map((tool) => join(root, 'node_modules', tool, 'package.json')),
  ].sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(`${relative(root, file)}\0`);
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

run([join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', '--noCheck'], root);

// The stamp names the inputs and the bundle made from them: a bundle rebuilt since by
// `npm run build` from other inputs does not match it.
const digestOf = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');
const inputs = bundleInputsDigest();
if (existsSync(bundle) && existsSync(stamp) && readFileSync(stamp, 'utf8') === `${inputs} ${digestOf(bundle)}`) {
  console.log('packages/sdk/dist/bundle.d.ts is up to date');
} else {
  run([join(root, 'node_modules', 'rollup', 'dist', 'bin', 'rollup'), '-c', 'rollup.types.config.js'], sdk);
  mkdirSync(dirname(stamp), { recursive: true });
  writeFileSync(stamp, `${inputs} ${digestOf(bundle)}`);
}
