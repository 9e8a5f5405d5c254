import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@aperture/sdk';
import { startEphemeralServer, type EphemeralServer } from '@aperture/server';
import { createCliHome, registerArgs, requireBuild, type CliHome } from './support/cli.js';

const PASSWORD = 'correct horse battery staple';

// Two real servers: a profile is a server and an account, so switching must reach the other one.
let home: EphemeralServer;
let work: EphemeralServer;
const homes: CliHome[] = [];

beforeAll(async () => {
  requireBuild();
  [home, work] = await Promise.all([startEphemeralServer(), startEphemeralServer()]);
});
afterAll(async () => {
  await Promise.all(homes.map((h) => h.cleanup()));
  await Promise.all([home?.stop(), work?.stop()]);
});

let counter = 0;
function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}_${process.pid}_${counter}`;
}

async function newHome(): Promise<CliHome> {
  const h = await createCliHome();
  homes.push(h);
  return h;
}

function configFile(h: CliHome): string {
  return join(h.configDir, 'aperture', 'config.json');
}

interface WhoamiJson {
  profile: string;
  server: string;
  user: { username: string };
}

async function whoami(h: CliHome, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<WhoamiJson> {
  const result = await h.run(['whoami', '--json', ...args], { env });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as WhoamiJson;
}

async function register(h: CliHome, server: string, username: string, profile?: string) {
  const result = await h.run(registerArgs(username, server, profile ? ['--profile', profile] : []), {
    input: PASSWORD,
  });
  expect(result.code, result.stderr).toBe(0);
  return result;
}

// Each test runs the binary a dozen times; on a loaded machine that takes longer than the default.
describe('profiles', { timeout: 120_000 }, () => {
  it('keeps one account per profile on two servers, and --profile / APERTURE_PROFILE switch between them', async () => {
    const h = await newHome();
    const ana = uniqueName('ana');
    const ben = uniqueName('ben');
    await register(h, home.url, ana, 'personal');
    const signedIn = await register(h, work.url, ben, 'work');
    expect(signedIn.stdout).toContain('(profile work)');

    // The last login is the current profile.
    expect(await whoami(h)).toMatchObject({ profile: 'work', server: work.url, user: { username: ben } });
    // --profile picks the other account on the other server, and so does the variable.
    expect(await whoami(h, ['--profile', 'personal'])).toMatchObject({
      profile: 'personal',
      server: home.url,
      user: { username: ana },
    });
    expect(await whoami(h, [], { APERTURE_PROFILE: 'personal' })).toMatchObject({ user: { username: ana } });
    // --server without --profile finds the profile on that server.
    expect(await whoami(h, ['--server', home.url])).toMatchObject({ profile: 'personal', user: { username: ana } });

    // A piped whoami is one line: profile, server, username, display name.
    const piped = await h.run(['whoami', '--profile', 'personal']);
    expect(piped.stdout).toBe(`personal\t${home.url}\t${ana}\t${ana}\n`);

    const switched = await h.run(['config', 'set', 'current-profile', 'personal']);
    expect(switched.code, switched.stderr).toBe(0);
    expect(await whoami(h)).toMatchObject({ profile: 'personal', user: { username: ana } });

    // Logging out of one profile leaves the other signed in and keeps the profile's server.
    const out = await h.run(['logout', '--profile', 'work']);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toContain(`Signed out of ${work.url} (profile work)`);
    const gone = await h.run(['whoami', '--profile', 'work']);
    expect(gone.code).toBe(4);
    expect(gone.stderr).toContain(`Not signed in to ${work.url} (profile work)`);
    expect(gone.stderr).toContain('aperture login --username <you> --profile work');
    expect(await whoami(h)).toMatchObject({ user: { username: ana } });

    const stored = JSON.parse(await readFile(configFile(h), 'utf8')) as {
      currentProfile: string;
      profiles: Record<string, { server: string; token?: string; username?: string }>;
    };
    expect(stored.currentProfile).toBe('personal');
    expect(stored.profiles['work']).toEqual({ server: work.url });
    expect(stored.profiles['personal']).toMatchObject({ server: home.url, username: ana });
    expect((await stat(configFile(h))).mode & 0o777).toBe(0o600);

    // Signing in again into the profile uses its server: no --server needed.
    const again = await h.run(['login', '--profile', 'work', '--username', ben, '--password-stdin'], {
      input: PASSWORD,
    });
    expect(again.code, again.stderr).toBe(0);
    expect(await whoami(h)).toMatchObject({ profile: 'work', server: work.url, user: { username: ben } });
  });

  it('reads a config file from before profiles: the current server becomes "default", the others keep their tokens', async () => {
    const h = await newHome();
    const ana = uniqueName('old');
    const ben = uniqueName('old');
    const anaToken = (await createClient({ url: home.url }).auth.register(account(ana))).token;
    const benToken = (await createClient({ url: work.url }).auth.register(account(ben))).token;
    const old = {
      currentServer: home.url,
      servers: {
        [home.url]: { token: anaToken, username: ana },
        [work.url]: { token: benToken, username: ben },
      },
    };
    await writeFile(configFile(await ensureDir(h)), JSON.stringify(old), { mode: 0o600 });

    expect(await whoami(h)).toMatchObject({ profile: 'default', server: home.url, user: { username: ana } });
    expect(await whoami(h, ['--server', work.url])).toMatchObject({ user: { username: ben } });
    // Reading never rewrites the file.
    expect(JSON.parse(await readFile(configFile(h), 'utf8'))).toEqual(old);

    const workName = new URL(work.url).host.replace(':', '-');
    expect(await whoami(h, ['--profile', workName])).toMatchObject({ server: work.url, user: { username: ben } });

    // The next change writes the new shape, tokens kept.
    expect((await h.run(['config', 'set', 'color', 'never'])).code).toBe(0);
    const migrated = JSON.parse(await readFile(configFile(h), 'utf8')) as Record<string, unknown>;
    expect(migrated).toEqual({
      currentProfile: 'default',
      profiles: {
        default: { server: home.url, token: anaToken, username: ana },
        [workName]: { server: work.url, token: benToken, username: ben },
      },
      color: 'never',
    });
    expect((await stat(configFile(h))).mode & 0o777).toBe(0o600);
  });

  it('exits 2 on a --profile that is not a name', async () => {
    const h = await newHome();
    const result = await h.run(['whoami', '--profile', '../etc']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not a profile name');
  });
});

function account(username: string) {
  return { username, email: `${username}@example.com`, password: PASSWORD };
}

async function ensureDir(h: CliHome): Promise<CliHome> {
  await mkdir(join(h.configDir, 'aperture'), { recursive: true, mode: 0o700 });
  return h;
}
