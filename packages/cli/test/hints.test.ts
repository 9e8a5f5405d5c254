import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliHome, requireBuild, type CliHome } from './support/cli.js';

/** The repository root: a clone, where `npm start` starts a server. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

let home: CliHome;
/** A port nothing listens on (it was free a moment ago, and nothing here takes it). */
let closed: string;

beforeAll(async () => {
  requireBuild();
  home = await createCliHome();
  closed = await new Promise<string>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(String(port)));
    });
  });
});
afterAll(async () => {
  await home?.cleanup();
});

describe('when no server answers', () => {
  it('names the URL it tried and where it came from, and what starts one from where you are', async () => {
    const server = `http://127.0.0.1:${closed}`;
    const inClone = await home.run(['--server', server, 'user', 'ana'], { cwd: ROOT });
    expect(inClone.code).toBe(1);
    expect(inClone.stderr).toContain(`Nothing answered at ${server} (from --server).`);
    expect(inClone.stderr).toContain(
      `Start one with: npm start -- --port ${closed} (or: npx aperture serve --port ${closed})`,
    );

    const elsewhere = await home.run(['user', 'ana'], { cwd: home.dir, env: { APERTURE_SERVER: server } });
    expect(elsewhere.stderr).toContain(`Nothing answered at ${server} (from APERTURE_SERVER).`);
    expect(elsewhere.stderr).toContain(`Start one with: aperture serve --port ${closed}`);
    expect(elsewhere.stderr).not.toContain('npm start');
  });

  it("says when the URL is a profile's, and how to change it", async () => {
    const set = await home.run(['--profile', 'work', 'config', 'set', 'server', `http://127.0.0.1:${closed}`]);
    expect(set.code, set.stderr).toBe(0);
    const result = await home.run(['--profile', 'work', 'search', 'gulls'], { cwd: home.dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`(the server of profile work)`);
    expect(result.stderr).toContain('aperture config set server <url> --profile work');
  });

  it('does not offer to start a server on another machine', async () => {
    const result = await home.run(['--server', 'http://aperture.invalid', 'trending'], { cwd: ROOT });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Nothing answered at http://aperture.invalid (from --server).');
    expect(result.stderr).toContain('Check that the address is right and that the server is up.');
    expect(result.stderr).not.toContain('Start one');
  });
});

describe('a full-screen command without a terminal', () => {
  it('names the command, says nothing was started, and what to do instead', async () => {
    const result = await home.run(['demo'], { cwd: home.dir, env: { npm_lifecycle_event: 'npx' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: demo needs a terminal');
    expect(result.stderr).toContain('stdin and stdout are not a terminal');
    expect(result.stderr).toContain('Run npx aperture demo in a terminal window');
    expect(result.stderr).toContain('Nothing was started.');
    expect(result.stderr).toContain('start a server with: npx aperture serve');
    expect(result.stderr).not.toContain('browse');
  });
});
