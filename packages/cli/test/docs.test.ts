// docs/cli.md lists every command the program has, in its synopsis, and every option of each
// (loadgen's in docs/loadgen.md or docs/capacity.md): a command or option added without its docs
// fails here.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/program.js';

const doc = (path: string) => readFileSync(fileURLToPath(new URL(`../../../docs/${path}`, import.meta.url)), 'utf8');

function commands(parent: Command, path: string[] = []): { path: string[]; options: string[] }[] {
  return parent.commands.flatMap((command) => {
    const here = [...path, command.name()];
    const options = command.options.flatMap((option) => (option.long ? [option.long] : []));
    return [{ path: here, options }, ...commands(command, here)];
  });
}

describe('docs/cli.md', () => {
  const cli = doc('cli.md');
  // The synopsis is the first shell block under `## Commands` (Installation's come before it).
  const synopsis = /^```sh\n([\s\S]*?)^```$/m.exec(cli.slice(cli.indexOf('\n## Commands\n')))?.[1] ?? '';
  const all = commands(buildProgram());

  it('has every command in its synopsis', () => {
    expect(all.length).toBeGreaterThan(30);
    // `aperture loadgen run|check|plan|seed …` names several subcommands at once.
    const missing = all
      .map(({ path }) => path)
      .filter((path) => {
        const last = path.at(-1)!;
        const parents = path
          .slice(0, -1)
          .map((p) => `${p} `)
          .join('');
        return !new RegExp(`aperture ${parents}(?:[\\w-]+\\|)*${last}(?![\\w-])`).test(synopsis);
      })
      .map((path) => path.join(' '));
    expect(missing).toEqual([]);
  });

  it('describes every option of every command', () => {
    const loadgenDocs = cli + doc('loadgen.md') + doc('capacity.md');
    const missing = all.flatMap(({ path, options }) =>
      options
        .filter((option) => !(path[0] === 'loadgen' ? loadgenDocs : cli).includes(option))
        .map((option) => `${path.join(' ')} ${option}`),
    );
    expect(missing).toEqual([]);
  });
});
