import { createClient } from '@aperture/sdk';
import { seedDemoWorld } from './seed.js';
import { readDemoWorld, writeDemoWorld } from './world-file.js';

export interface DemoSession {
  username: string;
  password: string;
  token: string;
}

/** Signs in to the world in `dataDir`, seeding it first when it has none. */
export async function signIn(url: string, dataDir: string, say: (message: string) => void): Promise<DemoSession> {
  const existing = await readDemoWorld(dataDir);
  if (existing) {
    say(`Re-using the demo world in ${dataDir}.`);
    const client = createClient({ url, userAgent: 'aperture-demo' });
    const { token } = await client.auth.login(existing);
    return { ...existing, token };
  }
  const started = Date.now();
  const world = await seedDemoWorld(url, say);
  await writeDemoWorld(dataDir, { username: world.username, password: world.password });
  say(`Seeded in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return { username: world.username, password: world.password, token: world.token };
}
