import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root } from './support/repo.js';

const run = promisify(execFile);
const packages = ['server', 'sdk', 'cli', 'loadgen'];

/**
 * scripts/prepare.js (what `npm install` runs) in a copy of the clone — sources, built dist/ and
 * a node_modules of links to the clone's — so that it can change files without touching the
 * clone the other tests use.
 */
describe('npm install’s build (scripts/prepare.js)', () => {
  let copy: string;
  const bundle = () => join(copy, 'packages', 'sdk', 'dist', 'bundle.d.ts');
  const prepare = async () => {
    const { stdout, stderr } = await run(process.execPath, [join(copy, 'scripts', 'prepare.js')], { cwd: copy });
    return stdout + stderr;
  };
  const rebuiltBundle = (output: string) => /created .*dist\/bundle\.d\.ts/.test(output);

  beforeAll(async () => {
    for (const name of packages) {
      if (!existsSync(join(root, 'packages', name, 'dist'))) throw new Error('run npm install first: dist/ is missing');
    }
    copy = await mkdtemp(join(tmpdir(), 'aperture-prepare-'));
    const options = { recursive: true, preserveTimestamps: true };
    for (const file of ['package.json', 'tsconfig.json', 'tsconfig.base.json', 'scripts/prepare.js']) {
      await cp(join(root, file), join(copy, file), options);
    }
    for (const name of packages) {
      const from = join(root, 'packages', name);
      await cp(from, join(copy, 'packages', name), {
        ...options,
        filter: (source) => !/^(node_modules|test)([\\/]|$)/.test(relative(from, source)),
      });
    }
    // Every installed package, as a link, except the workspaces themselves: those are the copies.
    await mkdir(join(copy, 'node_modules', '@aperture'), { recursive: true });
    for (const entry of await readdir(join(root, 'node_modules'))) {
      if (entry === '@aperture' || entry === '.cache') continue;
      await symlink(join(root, 'node_modules', entry), join(copy, 'node_modules', entry));
    }
    for (const name of packages) {
      await symlink(join(copy, 'packages', name), join(copy, 'node_modules', '@aperture', name));
    }
  });

  afterAll(async () => {
    if (copy) await rm(copy, { recursive: true, force: true });
  });

  it('bundles the SDK types when nothing records having bundled them', async () => {
    expect(rebuiltBundle(await prepare())).toBe(true);
    expect(await readFile(bundle(), 'utf8')).toContain('createClient');
  });

  it('skips the bundle on the next install, its inputs unchanged', async () => {
    const output = await prepare();
    expect(output).toContain('packages/sdk/dist/bundle.d.ts is up to date');
    expect(rebuiltBundle(output)).toBe(false);
  });

  it('bundles again when a declaration of the server changed', async () => {
    await appendFile(join(copy, 'packages', 'server', 'dist', 'index.d.ts'), '\n// changed\n');
    expect(rebuiltBundle(await prepare())).toBe(true);
    expect(await prepare()).toContain('is up to date');
  });

  it('bundles again when the bundle itself is not the one it made', async () => {
    await writeFile(bundle(), 'export {};\n');
    expect(rebuiltBundle(await prepare())).toBe(true);
    expect(await readFile(bundle(), 'utf8')).toContain('createClient');
  });
});
