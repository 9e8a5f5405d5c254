// The CLI's sources keep the shape packages/cli/README.md describes: imports point one way (no
// cycle, `import type` included, so that a contract always lives below the files that use it),
// and every command sits in the folder of its noun that the README's table names.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/program.js';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const COMMANDS = join(SRC, 'commands');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

/** The files under src/ that `file` imports: static, type-only, re-exports and import() alike. */
function localImports(file: string, known: Set<string>): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map((imported) => imported.fileName)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => resolve(dirname(file), specifier))
    .flatMap((target) => [target.replace(/\.js$/, '.ts'), target.replace(/\.js$/, '.tsx')].filter((f) => known.has(f)));
}

/** Every cycle found by a depth-first walk, each as the files around it (relative to src/). */
function cycles(files: string[]): string[][] {
  const known = new Set(files);
  const graph = new Map(files.map((file) => [file, localImports(file, known)]));
  const found: string[][] = [];
  const done = new Set<string>();
  const walk = (file: string, path: string[]) => {
    const at = path.indexOf(file);
    if (at >= 0) {
      found.push([...path.slice(at), file].map((f) => relative(SRC, f)));
      return;
    }
    if (done.has(file)) return;
    for (const next of graph.get(file) ?? []) walk(next, [...path, file]);
    done.add(file);
  };
  for (const file of files) walk(file, []);
  return found;
}

describe('packages/cli/src', () => {
  it('has no import cycle, type imports included', () => {
    const files = sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(80);
    // The walk sees type-only imports: every screen imports ScreenProps that way.
    const screen = join(SRC, 'tui/screens/feed.tsx');
    expect(localImports(screen, new Set(files))).toContain(join(SRC, 'tui/screens/screen-props.ts'));
    expect(cycles(files)).toEqual([]);
  });

  it('the README maps every command to the folder it lives in, and every folder to its commands', () => {
    const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
    // Rows of the table under "Where the code is": | `folder/` | `command`, `command` … |
    const rows = [...readme.matchAll(/^\| `([\w-]+)\/` \| (.*) \|$/gm)].map(([, folder = '', cells = '']) => ({
      folder,
      // Only the names outside parentheses are commands; those inside name files.
      commands: [...cells.replace(/\([^)]*\)/g, '').matchAll(/`([\w-]+)`/g)].map(([, name]) => name),
    }));
    const folders = readdirSync(COMMANDS).filter((name) => statSync(join(COMMANDS, name)).isDirectory());
    expect(rows.map((r) => r.folder).sort()).toEqual(folders.filter((f) => f !== 'shared').sort());

    const topLevel = buildProgram().commands.map((command) => command.name());
    expect(topLevel.length).toBeGreaterThan(30);
    for (const name of topLevel) {
      const [row, ...more] = rows.filter((r) => r.commands.includes(name));
      expect(row, `${name} is in the README's table`).toBeDefined();
      expect(more, `${name} is in one row only`).toEqual([]);
      // The command's name is in the code of the folder the README puts it in.
      const code = sourceFiles(join(COMMANDS, row!.folder))
        .map((file) => readFileSync(file, 'utf8'))
        .join('\n');
      expect(code, `${name} is defined under commands/${row!.folder}/`).toMatch(new RegExp(`['"]${name}['"]`));
    }
  });
});
