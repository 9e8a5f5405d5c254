import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient } from '@aperture/sdk';
import { createServer, loadConfig } from '@aperture/server';
import { tuiWorld } from './support.js';

const world = tuiWorld();

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

describe('browse: network failures', () => {
  it('shows a failed request inline, and r retries it once the server is back', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'aperture-tui-down-'));
    const config = loadConfig({
      APERTURE_DATA_DIR: dataDir,
      APERTURE_PORT: String(await freePort()),
      APERTURE_LOG_LEVEL: 'silent',
    });
    const first = await createServer(config);
    const url = await first.start();
    const client = createClient({ url });
    await client.auth.register({
      username: 'offline_ada',
      email: 'offline@example.com',
      password: 'correct horse battery',
    });
    const me = await client.me();
    await first.stop();

    const app = world.mount({ username: me.username, client, me });
    const failed = await app.until('Press r to retry.', 20_000);
    expect(failed).toContain('Could not load the posts: Could not reach the Aperture server');
    expect(failed).toContain('failed, r retries: Could not');

    const second = await createServer(config);
    try {
      await second.start();
      await app.press('r');
      await app.until('Your feed is empty', 20_000);
    } finally {
      // Quit first: the app's live stream must not be connecting while the server stops.
      await app.press('q');
      await new Promise((resolve) => setTimeout(resolve, 300));
      await second.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
