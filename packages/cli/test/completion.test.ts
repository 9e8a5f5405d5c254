import { execFile, spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../src/program.js';
import { createCliHome, requireBuild, type CliHome } from './support/cli.js';

const exec = promisify(execFile);
let h: CliHome;

beforeAll(async () => {
  requireBuild();
  h = await createCliHome();
});
afterAll(async () => {
  await h?.cleanup();
});

/** `bash`, `zsh` or `fish` when installed (CI may lack zsh and fish; bash is always there). */
function installed(shell: string): boolean {
  const found = spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;
  if (!found) console.warn(`${shell} is not installed: its completion script is generated but not checked here.`);
  return found;
}
const hasZsh = installed('zsh');
const hasFish = installed('fish');

/** Every command path of the program, from commander's own tree: `['admin', 'events']`, … */
function commandPaths(command: Command, path: string[] = []): string[][] {
  return command.commands.flatMap((sub) => [[...path, sub.name()], ...commandPaths(sub, [...path, sub.name()])]);
}

async function script(shell: string): Promise<string> {
  const result = await h.run(['completion', shell]);
  expect(result.code, result.stderr).toBe(0);
  const file = join(h.dir, `aperture.${shell}`);
  await writeFile(file, result.stdout);
  return file;
}

describe('aperture completion', () => {
  it('prints a bash script that names every command and option and that bash accepts', async () => {
    const file = await script('bash');
    const text = (await h.run(['completion', 'bash'])).stdout;
    const paths = commandPaths(buildProgram());
    expect(paths.length).toBeGreaterThan(30);
    for (const path of paths) expect(text).toContain(`'${path.at(-1)}'`);
    for (const option of [
      '--profile',
      '--color',
      '--json',
      '--quiet',
      '--keep-location',
      '--reply-to',
      '--display-name',
      '--remove',
      '--others',
    ]) {
      expect(text).toContain(`'${option}'`);
    }
    await exec('bash', ['-n', file]);
  });

  it('completes commands, subcommands, options and their values in bash', async () => {
    const file = await script('bash');
    const complete = async (...words: string[]) => {
      const { stdout } = await exec('bash', [
        '-c',
        `source "$0"; COMP_WORDS=("$@"); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _aperture; printf '%s\\n' "\${COMPREPLY[@]}"`,
        file,
        'aperture',
        ...words,
      ]);
      return stdout.split('\n').filter(Boolean).sort();
    };
    expect(await complete('re')).toEqual(['register', 'report', 'reports', 'requests']);
    expect(await complete('admin', '')).toEqual([
      'backup',
      'blocklist',
      'events',
      'grant',
      'help',
      'move',
      'recount',
      'reprocess',
      'restore',
      'verify',
      'words',
    ]);
    expect(await complete('--profile', 'work', 'completion', '')).toEqual(['bash', 'fish', 'zsh']);
    expect(await complete('config', 'set', '')).toEqual(['color', 'current-profile', 'images', 'server']);
    expect(await complete('serve', '--role', '')).toEqual(['all', 'api', 'worker']);
    expect(await complete('feed', '--color', 'n')).toEqual(['never']);
    expect(await complete('notifications', '--m')).toEqual(['--mark-read']);
    expect(await complete('fo')).toEqual(['follow', 'followers', 'following']);
    expect(await complete('sessions', '')).toEqual(['revoke']);
    expect(await complete('sessions', 'revoke', '--o')).toEqual(['--others']);
    expect(await complete('edit-profile', '--p')).toEqual(['--private', '--profile', '--public']);
    expect(await complete('avatar', '--r')).toEqual(['--remove']);
  });

  it.skipIf(!hasZsh)('prints a zsh script that zsh accepts and that completes subcommands', async () => {
    const file = await script('zsh');
    await exec('zsh', ['-n', file]);
    // Completion widgets only run inside an interactive line editor; stand-ins for the three
    // builtins it calls print what would have been offered, so the script's own logic is real.
    const { stdout } = await exec('zsh', [
      '-c',
      [
        'compdef() { :; }',
        '_describe() { print -l -- "${(@P)4}"; }',
        'compadd() { shift; print -l -- "${(@P)1}"; }',
        '_files() { print FILES; }',
        'source "$1"',
        'words=(aperture admin ""); CURRENT=3; _aperture',
        'words=(aperture serve --role ""); CURRENT=4; _aperture',
        'words=(aperture upload ""); CURRENT=3; _aperture',
      ].join('\n'),
      'zsh',
      file,
    ]);
    expect(stdout).toContain('events:list recent outbox events');
    expect(stdout.split('\n')).toEqual(expect.arrayContaining(['api', 'worker', 'all', 'FILES']));
  });

  it.skipIf(!hasFish)('prints a fish script that fish accepts and that completes subcommands', async () => {
    const file = await script('fish');
    await exec('fish', ['-n', file]);
    const { stdout } = await exec('fish', [
      '-c',
      `source ${file}; complete -C 'aperture admin '; complete -C 'aperture --color '; complete -C 'aperture config get '`,
    ]);
    const offered = stdout.split('\n').map((line) => line.split('\t')[0]);
    expect(offered).toEqual(
      expect.arrayContaining(['events', 'recount', 'reprocess', 'always', 'never', 'current-profile']),
    );
  });

  it('exits 2 naming the shells for one it does not know', async () => {
    const result = await h.run(['completion', 'powershell']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('bash, zsh, fish');
  });
});
