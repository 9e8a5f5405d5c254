import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { requireBuild } from '../support/cli.js';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const UI_PACKAGES = /^(react|ink)(\/|$)|^ink-|^react-/;

/**
 * Every module the built CLI loads before any command runs: the static import graph of
 * dist/bin.js (dynamic `import()` calls are left out — they load on demand). Bare specifiers are
 * collected, not followed: the workspace packages are checked by name.
 */
function staticGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = readFileSync(file, 'utf8');
    // `from '…'` only ends static import/export statements; `import('…')` has no `from`.
    for (const [, specifier] of source.matchAll(/\bfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]/gm)) {
      if (specifier === undefined) continue;
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
      else packages.add(specifier);
    }
  };
  visit(entry);
  return { files, packages };
}

describe('browse is loaded lazily', () => {
  it('nothing the CLI loads up front imports React or Ink; browse reaches the app by import()', () => {
    requireBuild();
    const { files, packages } = staticGraph(join(DIST, 'bin.js'));
    // The walk did reach the commands, browse and the file that opens the app included.
    expect(files).toContain(join(DIST, 'program.js'));
    expect(files).toContain(join(DIST, 'commands/terminal-app/browse.js'));
    expect(files).toContain(join(DIST, 'commands/terminal-app/open-browser.js'));
    expect([...packages].filter((p) => UI_PACKAGES.test(p))).toEqual([]);
    expect([...files].filter((f) => f.includes(`${join(DIST, 'tui')}/`))).toEqual([]);

    // …while the app itself does use them, behind a dynamic import where browse and demo open it.
    expect(existsSync(join(DIST, 'tui/run.js'))).toBe(true);
    expect(readFileSync(join(DIST, 'commands/terminal-app/open-browser.js'), 'utf8')).toMatch(
      /import\(['"]\.\.\/\.\.\/tui\/run\.js['"]\)/,
    );
    expect(staticGraph(join(DIST, 'tui/run.js')).packages).toContain('ink');
  });
});
