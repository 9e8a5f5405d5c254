import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEphemeralServer, type EphemeralServer } from '@aperture/server';

const run = promisify(execFile);
const workspace = fileURLToPath(new URL('../../..', import.meta.url));
const tsc = join(workspace, 'node_modules', 'typescript', 'bin', 'tsc');
// Its own output folder: `npm run example:quickstart` (run by the CLI's README test) compiles into
// examples/dist, and two compilers writing one file while another test runs it would race.
const outDir = join(workspace, 'examples', 'dist', 'quickstart-test');

let server: EphemeralServer;
beforeAll(async () => {
  if (!existsSync(join(workspace, 'packages', 'sdk', 'dist', 'index.js'))) {
    throw new Error('packages/sdk/dist is missing: run npm run build first');
  }
  server = await startEphemeralServer();
});
afterAll(async () => {
  await server?.stop();
});

describe('examples/quickstart.ts', () => {
  it('compiles, registers the first time and signs in the second, printing the user', async () => {
    await run(process.execPath, [tsc, '-p', join(workspace, 'examples', 'tsconfig.json'), '--outDir', outDir], {
      cwd: workspace,
    });
    const script = join(outDir, 'quickstart.js');
    const env = { PATH: process.env['PATH'], APERTURE_SERVER: server.url, APERTURE_USERNAME: 'example_user' };

    const first = await run(process.execPath, [script], { env });
    expect(first.stdout).toContain(`Registered example_user on ${server.url}.`);
    expect(first.stdout).toContain("username: 'example_user'");

    const second = await run(process.execPath, [script], { env });
    expect(second.stdout).toContain('Signed in as example_user');
    expect(second.stdout).toContain("email: 'example_user@example.com'");
  });
});
