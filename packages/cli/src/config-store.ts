import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  parseConfig,
  profileNameFor,
  type CliConfig,
  type ColorMode,
  type ImageMode,
  type ProfileEntry,
} from './config-file.js';
import { CliError } from './exit-codes.js';

/** The credentials of a signed-in profile. */
export interface ServerEntry {
  token: string;
  username: string;
}

export type { CliConfig, ColorMode, ImageMode, ProfileEntry };

/** `$XDG_CONFIG_HOME/aperture/config.json`, else `~/.config/aperture/config.json`. */
export function configPath(env: NodeJS.ProcessEnv): string {
  const xdg = env['XDG_CONFIG_HOME'];
  const base = xdg && xdg.startsWith('/') ? xdg : join(homedir(), '.config');
  return join(base, 'aperture', 'config.json');
}

/** The credentials of `entry` when it is signed in to `server`: a token is only good on its own server. */
export function credentialsOf(entry: ProfileEntry | undefined, server: string): ServerEntry | undefined {
  if (!entry?.token || entry.username === undefined || entry.server !== server) return undefined;
  return { token: entry.token, username: entry.username };
}

/** How `browse` should draw photos, as configured (`aperture config set images …`); `auto` by default. */
export async function configuredImages(store: ConfigStore): Promise<ImageMode> {
  return (await store.read()).images ?? 'auto';
}

/** The config file: profiles (server, token, username) and settings. Private to the user (dir 0700, file 0600). */
export class ConfigStore {
  constructor(readonly path: string) {}

  async read(): Promise<CliConfig> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: {} };
      throw error;
    }
    try {
      return parseConfig(JSON.parse(text));
    } catch {
      throw new CliError(`${this.path} is not a valid Aperture config file; fix or delete it.`);
    }
  }

  /** Reads, lets `change` edit the config, and writes it back. */
  async update(change: (config: CliConfig) => void): Promise<CliConfig> {
    const config = await this.read();
    change(config);
    await this.write(config);
    return config;
  }

  /** Remembers a sign-in in `profile` (created if new) and makes that profile the current one. */
  async signIn(profile: string, server: string, entry: ServerEntry): Promise<void> {
    await this.update((config) => {
      config.profiles[profile] = { server, token: entry.token, username: entry.username };
      config.currentProfile = profile;
    });
  }

  /** Forgets the token of `profile`, keeping its server. */
  async signOut(profile: string): Promise<void> {
    const config = await this.read();
    const entry = config.profiles[profile];
    if (entry?.token === undefined) return;
    config.profiles[profile] = { server: entry.server };
    await this.write(config);
  }

  /** The credentials stored for `server` in any profile (the current one first). */
  async get(server: string): Promise<ServerEntry | undefined> {
    const config = await this.read();
    const name = profileForServer(config, server);
    return name === undefined ? undefined : credentialsOf(config.profiles[name], server);
  }

  /** Remembers a sign-in on `server` in the profile that has that server (else a new one), made current. */
  async save(server: string, entry: ServerEntry): Promise<void> {
    const config = await this.read();
    await this.signIn(profileForServer(config, server) ?? profileNameFor(server, config.profiles), server, entry);
  }

  /** Forgets the token stored for `server`. */
  async forget(server: string): Promise<void> {
    const name = profileForServer(await this.read(), server);
    if (name !== undefined) await this.signOut(name);
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

/** The profile whose server is `server`: the current one if it is, else the first. */
export function profileForServer(config: CliConfig, server: string): string | undefined {
  const current = config.currentProfile;
  if (current !== undefined && config.profiles[current]?.server === server) return current;
  return Object.keys(config.profiles).find((name) => config.profiles[name]?.server === server);
}
