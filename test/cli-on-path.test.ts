import { execFile } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root } from './support/repo.js';
import { npm, shellEnv } from './support/npm.js';

const run = promisify(execFile);

/** The one documented way to put `aperture` on the PATH; README and docs/cli.md both give it. */
const LINK_COMMAND = 'npm link --workspace @aperture/cli';

/**
 * `aperture` as a user gets it after the documented step: npm's global folder is a throwaway
 * prefix, and the commands run from a directory outside the clone with a PATH that has no
 * node_modules/.bin in it (an enclosing `npm test` puts the clone's there).
 */
describe('the aperture command, linked onto the PATH', () => {
  let scratch: string;
  let prefix: string;
  let elsewhere: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    if (!existsSync(join(root, 'packages', 'cli', 'dist', 'bin.js'))) {
      throw new Error('packages/cli/dist/bin.js is missing: run npm install (or npm run build) first');
    }
    scratch = await mkdtemp(join(tmpdir(), 'aperture-on-path-'));
    prefix = join(scratch, 'prefix');
    elsewhere = join(scratch, 'elsewhere');
    expect(relative(root, scratch).startsWith('..')).toBe(true);
    const path = [
      join(prefix, 'bin'),
      dirname(process.execPath),
      ...(process.env['PATH'] ?? '').split(delimiter).filter((dir) => !dir.includes('node_modules')),
    ].join(delimiter);
    env = shellEnv({ PATH: path, HOME: scratch, XDG_CONFIG_HOME: join(scratch, 'config') });
    env['npm_config_prefix'] = prefix;
    const [command, ...args] = LINK_COMMAND.split(' ');
    expect(command).toBe('npm');
    expect(await npm(args, { cwd: root, env })).not.toContain('EBADENGINE');
    await mkdir(elsewhere);
  });

  afterAll(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  const sh = (script: string) => run('bash', ['-c', script], { cwd: elsewhere, env });

  it('is the command README and docs/cli.md document', async () => {
    expect(await readFile(join(root, 'README.md'), 'utf8')).toContain(LINK_COMMAND);
    expect(await readFile(join(root, 'docs', 'cli.md'), 'utf8')).toContain(LINK_COMMAND);
  });

  it('is found on the PATH, in the prefix, and runs the clone', async () => {
    const { stdout } = await sh('command -v aperture');
    expect(stdout.trim()).toBe(join(prefix, 'bin', 'aperture'));
    expect(realpathSync(stdout.trim())).toBe(join(realpathSync(root), 'packages', 'cli', 'bin', 'aperture.js'));
  });

  it('prints its version outside the clone', async () => {
    const { version } = JSON.parse(await readFile(join(root, 'packages', 'cli', 'package.json'), 'utf8')) as {
      version: string;
    };
    const { stdout } = await sh('aperture --version');
    expect(stdout.trim()).toBe(version);
  });

  it('completes a subcommand in bash after `source <(aperture completion bash)`', async () => {
    // As a user's ~/.bashrc would: source the script, then ask the function bash registered
    // for `aperture` what `aperture compl<TAB>` and `aperture admin ev<TAB>` complete to.
    const { stdout } = await sh(
      [
        'source <(aperture completion bash)',
        'fn=$(complete -p aperture | sed -E "s/.* -F ([^ ]+) .*/\\1/")',
        'complete_words() { COMP_WORDS=(aperture "$@"); COMP_CWORD=$#; COMPREPLY=(); "$fn"; echo "${COMPREPLY[*]}"; }',
        'complete_words compl',
        'complete_words admin ev',
      ].join('\n'),
    );
    expect(stdout.split('\n').filter(Boolean)).toEqual(['completion', 'events']);
  });
});
