import { spawn } from 'node:child_process';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BIN, createCliHome, requireBuild, type CliHome } from './support/cli.js';
import { startEphemeralServer, type EphemeralServer } from '@aperture/server';

const PASSWORD = 'terminal-typed-secret';

let server: EphemeralServer;
let home: CliHome;

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

const quote = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`;

/**
 * Runs the binary on a real pseudo-terminal (util-linux `script`), typing `answers` one per
 * password prompt, and returns everything the terminal showed.
 */
function runOnTerminal(args: string[], answers: string[]): Promise<{ code: number | null; screen: string }> {
  const command = [process.execPath, BIN, ...args].map(quote).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], { env: home.env, stdio: 'pipe' });
  let screen = '';
  let prompts = 0;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    screen += chunk;
    const seen = screen.match(/Password( \(again\))?: /g)?.length ?? 0;
    while (prompts < seen) {
      child.stdin.write(`${answers[prompts] ?? ''}\r`);
      prompts += 1;
    }
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      child.stdin.destroy();
      resolve({ code, screen });
    });
  });
}

describe('password prompt on a terminal', () => {
  it('asks twice when registering and never shows what was typed', async () => {
    const username = `tty_${process.pid}`;
    const result = await runOnTerminal(
      ['register', '--username', username, '--email', `${username}@example.com`, '--server', server.url],
      [PASSWORD, PASSWORD],
    );
    expect(result.screen).toContain('Password (again): ');
    expect(result.screen).not.toContain(PASSWORD);
    expect(result.screen).toContain(`Registered and signed in as ${username}`);
    expect(result.code).toBe(0);
    expect((await home.run(['whoami'])).stdout).toContain(username);
  });

  it('exits 1 when the two passwords differ', async () => {
    const result = await runOnTerminal(
      ['register', '--username', `tty2_${process.pid}`, '--email', 'tty2@example.com', '--server', server.url],
      [PASSWORD, `${PASSWORD}-typo`],
    );
    expect(result.screen).toContain('do not match');
    expect(result.code).toBe(1);
  });
});
