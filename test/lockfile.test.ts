import { describe, expect, it } from 'vitest';
import {
  installsOnASupportedPlatform,
  isPlatformSpecific,
  type LockEntry,
  type Manifest,
  readJson,
  readLockfile,
  resolveFrom,
  semver,
} from './support/lockfile.js';

const lock = readLockfile();
const rootManifest = readJson<Manifest>('package.json');
const promise = rootManifest.engines?.node ?? '';
const workspaces = rootManifest.workspaces ?? [];
/** The Node lines CI and the README name; newer ones are welcome but native packages cap them. */
const testedMajors = [20, 22, 24];
/** The promise up to the newest tested line: `^20.19.0 <25.0.0-0 || …`. */
const testedPromise = promise
  .split('||')
  .map((set) => `${set.trim()} <${Math.max(...testedMajors) + 1}.0.0-0`)
  .join(' || ');

describe('the Node versions the repository promises', () => {
  it('are one range, stated by the root and every workspace package', () => {
    expect(promise).not.toBe('');
    for (const workspace of workspaces) {
      expect(readJson<Manifest>(`${workspace}/package.json`).engines?.node, workspace).toBe(promise);
    }
  });

  it('cover Node 20, 22 and 24', () => {
    for (const major of testedMajors) {
      expect(semver.satisfies(`${major}.99.0`, promise), `Node ${major}`).toBe(true);
    }
  });

  /**
   * npm warns EBADENGINE for an installed package whose `engines.node` leaves out the running
   * Node, and silently skips an optional one: harmless for an optional extra, fatal for the
   * platform binary of a tool (rollup, sharp, argon2) that then cannot load. So every package a
   * supported platform installs, except optional extras, must accept every promised version (of
   * the tested lines: a native package may not yet name a Node newer than 24).
   */
  it('are accepted by every package an install brings, on every supported platform', () => {
    const refusing: string[] = [];
    for (const [location, entry] of Object.entries(lock)) {
      const range = entry.engines?.node;
      if (!location.startsWith('node_modules/') || entry.link || !range) continue;
      if (entry.optional && !isPlatformSpecific(entry)) continue;
      if (!installsOnASupportedPlatform(entry)) continue;
      if (!semver.subset(testedPromise, range)) refusing.push(`${location}@${entry.version} wants node ${range}`);
    }
    expect(refusing, `the promise is node ${testedPromise}`).toEqual([]);
  });
});

describe('package-lock.json', () => {
  /**
   * The lockfile records every platform's optional packages, installed here or not; when it lacks
   * some (written by an install that had pruned them), the next `npm install` anywhere adds them
   * and leaves the clone modified, and `npm ci` on that platform has nothing to install.
   */
  it('holds every dependency of every package, for every platform', () => {
    const missing: string[] = [];
    for (const [location, entry] of Object.entries(lock)) {
      if (entry.link) continue;
      const isProject = location === '' || workspaces.includes(location);
      const wanted = {
        ...entry.dependencies,
        ...entry.optionalDependencies,
        ...(isProject ? entry.devDependencies : {}),
        ...Object.fromEntries(
          Object.entries(entry.peerDependencies ?? {}).filter(
            ([name]) => !entry.peerDependenciesMeta?.[name]?.optional,
          ),
        ),
      };
      for (const name of Object.keys(wanted)) {
        if (!resolveFrom(lock, location, name)) missing.push(`${location || '(root)'} → ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  /**
   * npm 10, the npm of Node 20 and 22, does not know the `libc` field and drops it when it writes
   * the lockfile, so a lockfile with it changes on their first install; npm 11 and later keep a
   * lockfile without it as it is (and install both the glibc and musl builds on Linux).
   */
  it('records no libc field, so npm 10, 11 and 12 all leave it as it is', () => {
    const withLibc = Object.entries(lock)
      .filter(([, entry]) => entry.libc !== undefined)
      .map(([location]) => location);
    expect(withLibc, 'rewrite the lockfile with npm 10: npx npm@10 install').toEqual([]);
  });

  it('matches the root and every workspace package.json', () => {
    const fields = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies', 'engines'] as const;
    for (const location of ['', ...workspaces]) {
      const manifest = readJson<Manifest>(location === '' ? 'package.json' : `${location}/package.json`);
      const entry: LockEntry = lock[location] ?? {};
      for (const field of fields) {
        expect(entry[field], `${location || '(root)'} ${field}`).toEqual(manifest[field]);
      }
    }
  });
});
