import { gunzipSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliHome, registerArgs, requireBuild, type CliHome } from './support/cli.js';
import { startEphemeralServer, type EphemeralServer } from '@aperture/server';

const PASSWORD = 'correct horse battery staple';

let server: EphemeralServer;
let home: CliHome;

beforeAll(async () => {
  requireBuild();
  server = await startEphemeralServer();
  home = await createCliHome();
});
afterAll(async () => {
  await home?.cleanup();
  await server?.stop();
});

describe('aperture export', () => {
  it('starts an export, waits for it and saves the archive where --out says', async () => {
    const username = `cli_export_${process.pid}`;
    expect((await home.run(registerArgs(username, server.url), { input: `${PASSWORD}\n` })).code).toBe(0);
    const out = join(home.configDir, 'mine.tar.gz');
    const run = await home.run(['export', '--out', out, '--json']);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout) as { state: string; file: string; size: number };
    expect(printed).toMatchObject({ state: 'ready', file: out });
    const archive = await readFile(out);
    expect(archive.length).toBe(printed.size);
    // The archive's first entry is a tar header naming one of its JSON files.
    const tar = gunzipSync(archive);
    expect(tar.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '')).toMatch(/\.json$/);
    expect(tar.toString('utf8')).toContain(`"username": "${username}"`);
  });
});
