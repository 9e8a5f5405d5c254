import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError } from './exit-codes.js';

/** What the CLI remembers about one server. */
export interface ServerEntry {
  token: string;
  username: string;
}

export interface CliConfig {
  /** The server of the last login: the default for the next command. */
  currentServer?: string | undefined;
  servers: Record<string, ServerEntry>;
}

/** `$XDG_CONFIG_HOME/aperture/config.json`, else `~/.config/aperture/config.json`. */
export function configPath(env: NodeJS.ProcessEnv): string {
  const xdg = env['XDG_CONFIG_HOME'];
  const base = xdg && xdg.startsWith('/') ? xdg : join(homedir(), '.config');
  return join(base, 'aperture', 'config.json');
}

/** The config file: tokens per server URL. Private to the user (dir 0700, file 0600). */
export class ConfigStore {
  constructor(readonly path: string) {}

  async read(): Promise<CliConfig> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { servers: {} };
      throw error;
    }
    try {
      return parseConfig(JSON.parse(text));
    } catch {
      throw new CliError(`${this.path} is not a valid Aperture config file; fix or delete it.`);
    }
  }

  async get(server: string): Promise<ServerEntry | undefined> {
    return (await this.read()).servers[server];
  }

  /** Remembers a sign-in and makes its server the default. */
  async save(server: string, entry: ServerEntry): Promise<void> {
    const config = await this.read();
    config.servers[server] = entry;
    config.currentServer = server;
    await this.write(config);
  }

  async forget(server: string): Promise<void> {
    const config = await this.read();
    if (!(server in config.servers)) return;
    delete config.servers[server];
    await this.write(config);
  }

  /**
   * Writes to a private temp file in the same folder, then renames it over the old file, so a
   * crash never leaves a half-written config and the token is never readable by others.
   */
  private async write(config: CliConfig): Promise<void> {
    const dir = dirname(this.path);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
    const temp = `${this.path}.${randomBytes(6).toString('hex')}.tmp`;
    const file = await open(temp, 'wx', 0o600);
    try {
      await file.chmod(0o600);
      await file.writeFile(`${JSON.stringify(config, null, 2)}\n`);
      await file.sync();
    } catch (error) {
      await file.close();
      await rm(temp, { force: true });
      throw error;
    }
    await file.close();
    await rename(temp, this.path);
  }
}

function parseConfig(value: unknown): CliConfig {
  if (typeof value !== 'object' || value === null) throw new Error('not an object');
  const record = value as Record<string, unknown>;
  const servers: Record<string, ServerEntry> = {};
  const rawServers = record['servers'];
  if (typeof rawServers === 'object' && rawServers !== null) {
    for (const [url, entry] of Object.entries(rawServers as Record<string, unknown>)) {
      const e = entry as Partial<ServerEntry> | null;
      if (typeof e?.token === 'string' && typeof e.username === 'string') {
        servers[url] = { token: e.token, username: e.username };
      }
    }
  }
  const current = record['currentServer'];
  return { currentServer: typeof current === 'string' ? current : undefined, servers };
}
