import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from '@aperture/sdk';
import { createCliHome, registerArgs, requireBuild, type CliHome } from './support/cli.js';
import { startEphemeralServer, type EphemeralServer } from '@aperture/server';

const PASSWORD = 'correct horse battery staple';

let server: EphemeralServer;
let home: CliHome;
let counter = 0;

beforeAll(async () => {
  requireBuild();
  server = await startEphemeralServer();
});
afterAll(async () => {
  await server?.stop();
});
beforeEach(async () => {
  home = await createCliHome();
});
afterEach(async () => {
  await home?.cleanup();
});

function uniqueName(): string {
  counter += 1;
  return `cli_${process.pid}_${counter}`;
}

async function register(username: string) {
  return home.run(registerArgs(username, server.url), { input: `${PASSWORD}\n` });
}

interface StoredConfig {
  currentProfile?: string;
  profiles: Record<string, { server: string; token?: string; username?: string }>;
}

async function storedConfig(): Promise<StoredConfig> {
  return JSON.parse(await readFile(join(home.configDir, 'aperture', 'config.json'), 'utf8')) as StoredConfig;
}

describe('aperture account commands', () => {
  it('registers, shows, logs out and in, keeping the token private', async () => {
    const username = uniqueName();
    const registered = await register(username);
    expect(registered.stderr).not.toMatch(/error/);
    expect(registered.code).toBe(0);
    expect(registered.stdout).toContain(username);

    const file = join(home.configDir, 'aperture', 'config.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(home.configDir, 'aperture'))).mode & 0o777).toBe(0o700);
    // The first sign-in of a home is the `default` profile.
    expect((await storedConfig()).profiles['default']).toMatchObject({ server: server.url, username });

    // No --server: the server of the last login is the default.
    const whoami = await home.run(['whoami', '--json']);
    expect(whoami.code).toBe(0);
    const shown = JSON.parse(whoami.stdout) as {
      profile: string;
      server: string;
      user: { username: string; email: string };
    };
    expect(shown.profile).toBe('default');
    expect(shown.server).toBe(server.url);
    expect(shown.user.username).toBe(username);
    expect(shown.user.email).toBe(`${username}@example.com`);

    const human = await home.run(['whoami']);
    expect(human.code).toBe(0);
    // Piped: profile, server, username, display name.
    expect(human.stdout).toBe(`default\t${server.url}\t${username}\t${username}\n`);

    const logout = await home.run(['logout']);
    expect(logout.code).toBe(0);
    // The token is gone; the profile keeps its server.
    expect((await storedConfig()).profiles['default']).toEqual({ server: server.url });

    const signedOut = await home.run(['whoami']);
    expect(signedOut.code).toBe(4);
    expect(signedOut.stdout).toBe('');
    expect(signedOut.stderr).toMatch(/Not signed in to/);

    const login = await home.run(['login', '--username', username, '--password-stdin', '--json'], {
      input: PASSWORD,
    });
    expect(login.code).toBe(0);
    expect((JSON.parse(login.stdout) as { user: { username: string } }).user.username).toBe(username);
    expect((await home.run(['whoami'])).code).toBe(0);
  });

  it('exits 1 with the server message on a wrong password', async () => {
    const username = uniqueName();
    expect((await register(username)).code).toBe(0);
    const result = await home.run(['login', '--username', username, '--password-stdin', '--server', server.url], {
      input: 'not the password',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Wrong username or password.');
    expect(result.stderr).toContain('INVALID_CREDENTIALS');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 1 and names the field when the server rejects the input', async () => {
    const username = uniqueName();
    const result = await home.run(registerArgs(username, server.url), { input: 'short' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/password/i);
    expect(result.stderr).toContain('VALIDATION_FAILED');
  });

  it('exits 4 and forgets the token when the server has ended the session', async () => {
    const username = uniqueName();
    expect((await register(username)).code).toBe(0);
    const token = (await storedConfig()).profiles['default']?.token;
    expect(token).toBeTypeOf('string');
    await createClient({ url: server.url, token }).auth.logout();

    const result = await home.run(['whoami', '--server', server.url]);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('session');
    expect(result.stderr).toContain(`aperture login --username ${username}`);
    expect((await storedConfig()).profiles['default']).toEqual({ server: server.url });
  });

  it('takes the server from APERTURE_SERVER', async () => {
    const username = uniqueName();
    const result = await home.run(registerArgs(username), {
      input: PASSWORD,
      env: { APERTURE_SERVER: `${server.url}/` },
    });
    expect(result.code).toBe(0);
    const stored = await storedConfig();
    expect(stored.currentProfile).toBe('default');
    expect(stored.profiles['default']?.server).toBe(server.url);
  });

  it('exits 2 on an unknown option', async () => {
    const result = await home.run(['whoami', '--frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--frobnicate'");
  });

  it('exits 2 when a password is needed, stdin is not a terminal and --password-stdin is missing', async () => {
    const result = await home.run(['login', '--username', 'someone', '--server', server.url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--password-stdin');
  });

  it('exits 2 on a --server that is not a URL', async () => {
    const result = await home.run(['whoami', '--server', 'not a url']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not a URL');
  });

  it('exits 0 on logout when not signed in', async () => {
    const result = await home.run(['logout', '--server', server.url]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Not signed in');
  });

  it('exits 1 naming the server when it cannot be reached', async () => {
    const probe = createHttpServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const url = `http://127.0.0.1:${port}`;

    const result = await home.run(['login', '--username', 'someone', '--password-stdin', '--server', url], {
      input: PASSWORD,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(url);
    expect(result.stderr).toContain('NETWORK_ERROR');
  });
});
