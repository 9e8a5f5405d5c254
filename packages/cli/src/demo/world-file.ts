import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DemoCredentials } from './seed.js';

/**
 * The demo user's credentials, kept in the data dir beside the database they belong to, so that
 * `aperture demo --data-dir DIR` opens the same world again instead of seeding a second one.
 */
const FILE = 'demo-world.json';

export async function readDemoWorld(dataDir: string): Promise<DemoCredentials | null> {
  try {
    const parsed = JSON.parse(await readFile(join(dataDir, FILE), 'utf8')) as Partial<DemoCredentials>;
    return typeof parsed.username === 'string' && typeof parsed.password === 'string'
      ? { username: parsed.username, password: parsed.password }
      : null;
  } catch {
    return null;
  }
}

export async function writeDemoWorld(dataDir: string, credentials: DemoCredentials): Promise<void> {
  await writeFile(join(dataDir, FILE), `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
}
