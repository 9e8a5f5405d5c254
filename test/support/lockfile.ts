import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { root } from './repo.js';

/** One entry of package-lock.json's `packages`, keyed by its folder ('' is the root). */
export interface LockEntry {
  version?: string;
  link?: boolean;
  resolved?: string;
  optional?: boolean;
  dev?: boolean;
  os?: string[];
  cpu?: string[];
  libc?: string[];
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  bin?: Record<string, string>;
}

export interface Manifest extends LockEntry {
  name: string;
  workspaces?: string[];
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(join(root, path), 'utf8')) as T;
}

export function readLockfile(): Record<string, LockEntry> {
  return readJson<{ packages: Record<string, LockEntry> }>('package-lock.json').packages;
}

/**
 * npm's own range logic (the `semver` package npm uses, a devDependency here, loaded from the
 * workspace's node_modules); typed here for the two calls these tests make.
 */
export const semver = createRequire(join(root, 'package.json'))('semver') as {
  subset(sub: string, dom: string): boolean;
  satisfies(version: string, range: string): boolean;
};

/** The platforms a clone must install on: every lockfile entry they need has to be there. */
export const supportedPlatforms = [
  { os: 'darwin', cpu: 'x64' },
  { os: 'darwin', cpu: 'arm64' },
  { os: 'win32', cpu: 'x64' },
  { os: 'win32', cpu: 'arm64' },
  { os: 'linux', cpu: 'x64', libc: 'glibc' },
  { os: 'linux', cpu: 'x64', libc: 'musl' },
  { os: 'linux', cpu: 'arm64', libc: 'glibc' },
  { os: 'linux', cpu: 'arm64', libc: 'musl' },
] as const;

/** npm's reading of `os`/`cpu`/`libc`: a list of allowed values, or of `!excluded` ones. */
function allows(list: string[] | undefined, value: string | undefined): boolean {
  if (!list || list.length === 0 || value === undefined) return true;
  if (list.includes(`!${value}`)) return false;
  const allowed = list.filter((entry) => !entry.startsWith('!'));
  return allowed.length === 0 || allowed.includes(value);
}

export function installsOnASupportedPlatform(entry: LockEntry): boolean {
  return supportedPlatforms.some(
    (p) => allows(entry.os, p.os) && allows(entry.cpu, p.cpu) && allows(entry.libc, 'libc' in p ? p.libc : undefined),
  );
}

export function isPlatformSpecific(entry: LockEntry): boolean {
  return Boolean(entry.os?.length || entry.cpu?.length || entry.libc?.length);
}

/** The lockfile key Node (and npm) would find `name` at when required from `location`. */
export function resolveFrom(lock: Record<string, LockEntry>, location: string, name: string): string | undefined {
  let dir = location;
  for (;;) {
    const candidate = dir === '' ? `node_modules/${name}` : `${dir}/node_modules/${name}`;
    if (lock[candidate]) return candidate;
    if (dir === '') return undefined;
    const cut = dir.lastIndexOf('/node_modules/');
    dir = cut === -1 ? '' : dir.slice(0, cut);
  }
}
