import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, loadConfig } from '@aperture/server';

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

/** The real server in this process, on a free port, with its data in a temp dir. */
export async function startServer(): Promise<RunningServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'aperture-cli-server-'));
  try {
    const server = await createServer(
      loadConfig({ APERTURE_DATA_DIR: dataDir, APERTURE_PORT: '0', APERTURE_LOG_LEVEL: 'silent' }),
    );
    const url = await server.start();
    return {
      url,
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
