import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './config/config.js';
import { createServer, type ApertureServer } from './server.js';

export interface EphemeralServer {
  url: string;
  server: ApertureServer;
  dataDir: string;
  /** Stop the server and delete its data folder. */
  stop(): Promise<void>;
}

/**
 * Per-address and write limits of a throwaway server: off. It listens on 127.0.0.1, so every client is this
 * machine, one address, and those limits would only throttle the tests or demo driving it (which
 * register and sign in dozens of users in seconds). Pass the variables to test them.
 */
const NO_ADDRESS_LIMITS = {
  APERTURE_RATE_LIMIT_PASSWORD_PER_MIN: '0',
  APERTURE_RATE_LIMIT_ANON_PER_MIN: '0',
  APERTURE_WRITE_LIMITS: 'off',
  APERTURE_WRITE_LIMITS_NEW_ACCOUNT: 'off',
  APERTURE_WRITE_LIMITS_PER_ADDRESS: 'off',
};

/**
 * A throwaway server on a free port, with its SQLite file and media in a fresh temp folder — for
 * tests of code that embeds the SDK, and for demos. Extra `APERTURE_*` variables may be passed.
 * Its per-address and write limits are off unless they are passed too.
 *
 * @example
 * const aperture = await startEphemeralServer();
 * const client = createClient({ url: aperture.url });
 * // …
 * await aperture.stop();
 */
export async function startEphemeralServer(env: Record<string, string> = {}): Promise<EphemeralServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'aperture-'));
  try {
    const server = await createServer(
      loadConfig({
        APERTURE_DATA_DIR: dataDir,
        APERTURE_PORT: '0',
        APERTURE_LOG_LEVEL: 'silent',
        ...NO_ADDRESS_LIMITS,
        ...env,
      }),
    );
    const url = await server.start();
    return {
      url,
      server,
      dataDir,
      async stop() {
        await server.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}
