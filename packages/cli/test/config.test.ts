import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEphemeralServer, type EphemeralServer } from '@aperture/server';
import { ConfigStore, configuredImages, configPath } from '../src/config-store.js';
import { createCliHome, registerArgs, requireBuild, type CliHome } from './support/cli.js';

let server: EphemeralServer;
let h: CliHome;

beforeAll(async () => {
  requireBuild();
  server = await startEphemeralServer();
  h = await createCliHome();
});
afterAll(async () => {
  await h?.cleanup();
  await server?.stop();
});

async function get(key: string): Promise<string> {
  const result = await h.run(['config', 'get', key]);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout;
}

// The test runs the binary a dozen times; on a loaded machine that takes longer than the default.
describe('aperture config', { timeout: 120_000 }, () => {
  it('gets defaults, sets and validates every key, and never prints a token', async () => {
    expect(await get('server')).toBe('http://127.0.0.1:4000\n');
    expect(await get('current-profile')).toBe('default\n');
    expect(await get('images')).toBe('auto\n');
    expect(await get('color')).toBe('auto\n');

    expect((await h.run(['config', 'set', 'images', 'kitty'])).code).toBe(0);
    expect(await get('images')).toBe('kitty\n');
    // The renderer reads the same setting through the store.
    expect(await configuredImages(new ConfigStore(configPath(h.env)))).toBe('kitty');
    const json = await h.run(['config', 'get', 'images', '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ key: 'images', value: 'kitty' });

    const badValue = await h.run(['config', 'set', 'images', 'sixel']);
    expect(badValue.code).toBe(2);
    expect(badValue.stderr).toContain('images must be one of auto, blocks, kitty, iterm, none');
    const badKey = await h.run(['config', 'get', 'colour']);
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toContain('server, current-profile, images, color');
    const noProfile = await h.run(['config', 'set', 'current-profile', 'nope']);
    expect(noProfile.code).toBe(2);
    expect(noProfile.stderr).toContain('nope');

    // server belongs to the profile: set it, then register without --server goes there.
    expect((await h.run(['config', 'set', 'server', `${server.url}/`])).code).toBe(0);
    expect(await get('server')).toBe(`${server.url}\n`);
    const username = `cfg_${process.pid}`;
    const registered = await h.run(registerArgs(username), { input: 'correct horse battery staple' });
    expect(registered.code, registered.stderr).toBe(0);

    const token = (
      JSON.parse(await readFile(join(h.configDir, 'aperture', 'config.json'), 'utf8')) as {
        profiles: Record<string, { token: string }>;
      }
    ).profiles['default']?.token;
    expect(token).toBeTypeOf('string');

    const listed = await h.run(['config', 'list', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual({
      server: server.url,
      'current-profile': 'default',
      images: 'kitty',
      color: 'auto',
      profiles: { default: { server: server.url, username, token: '(set)' } },
    });
    // Piped: one `key<TAB>value` a line, profiles as dotted keys.
    const piped = await h.run(['config', 'list']);
    expect(piped.stdout.split('\n').filter(Boolean)).toEqual([
      `server\t${server.url}`,
      'current-profile\tdefault',
      'images\tkitty',
      'color\tauto',
      `profiles.default.server\t${server.url}`,
      `profiles.default.username\t${username}`,
      'profiles.default.token\t(set)',
    ]);
    for (const output of [listed.stdout, piped.stdout, listed.stderr, piped.stderr]) {
      expect(output).not.toContain(token);
    }

    // Moving the profile to another server signs it out: the token was for the old one.
    const moved = await h.run(['config', 'set', 'server', 'http://127.0.0.1:9']);
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stderr).toContain('Signed out of profile default');
    const signedOut = await h.run(['whoami']);
    expect(signedOut.code).toBe(4);
  });
});

describe('a broken config file', { timeout: 120_000 }, () => {
  it('stops only the commands that need a profile, and says which file to fix', async () => {
    const home = await createCliHome();
    try {
      const file = configPath(home.env);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, '{ not json');
      const completion = await home.run(['completion', 'bash']);
      expect(completion.code, completion.stderr).toBe(0);
      expect(completion.stdout).toContain('aperture');
      const whoami = await home.run(['whoami']);
      expect(whoami.code).toBe(1);
      expect(whoami.stderr).toContain(`${file} is not a valid Aperture config file`);
    } finally {
      await home.cleanup();
    }
  });
});
