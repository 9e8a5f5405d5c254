/**
 * The shape of config.json and how older files are read. Version 1 (before profiles) was
 * `{ currentServer, servers: { <url>: { token, username } } }`; it is migrated in memory on every
 * read and written in the new shape by the next change, so an old file keeps working untouched.
 */

export const IMAGE_MODES = ['auto', 'blocks', 'kitty', 'iterm', 'none'] as const;
export type ImageMode = (typeof IMAGE_MODES)[number];

export const COLOR_MODES = ['auto', 'always', 'never'] as const;
export type ColorMode = (typeof COLOR_MODES)[number];

/** The profile used when none was chosen and none is current. */
export const DEFAULT_PROFILE = 'default';

/** One named server/account pair. Signed out, only `server` is kept. */
export interface ProfileEntry {
  server: string;
  token?: string | undefined;
  username?: string | undefined;
}

export interface CliConfig {
  /** The profile commands use without --profile / APERTURE_PROFILE; the last login's. */
  currentProfile?: string | undefined;
  profiles: Record<string, ProfileEntry>;
  /** How `browse` draws photos; `auto` detects the terminal. */
  images?: ImageMode | undefined;
  /** Colour in output; `auto` means on a terminal unless NO_COLOR is set. */
  color?: ColorMode | undefined;
}

const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function isProfileName(name: string): boolean {
  return PROFILE_NAME.test(name);
}

/** Reads either shape; throws on anything that is not a config object. */
export function parseConfig(value: unknown): CliConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
  const record = value as Record<string, unknown>;
  const config: CliConfig = {
    profiles: 'profiles' in record ? parseProfiles(record['profiles']) : migrateServers(record),
    images: oneOf(IMAGE_MODES, record['images']),
    color: oneOf(COLOR_MODES, record['color']),
  };
  const current = 'profiles' in record ? record['currentProfile'] : migratedCurrent(record, config.profiles);
  if (typeof current === 'string' && isProfileName(current)) config.currentProfile = current;
  return config;
}

function parseProfiles(raw: unknown): Record<string, ProfileEntry> {
  const profiles: Record<string, ProfileEntry> = {};
  if (typeof raw !== 'object' || raw === null) return profiles;
  for (const [name, entry] of Object.entries(raw as Record<string, unknown>)) {
    const e = entry as Partial<Record<keyof ProfileEntry, unknown>> | null;
    if (!isProfileName(name) || typeof e?.server !== 'string') continue;
    const signedIn = typeof e.token === 'string' && typeof e.username === 'string';
    profiles[name] = signedIn
      ? { server: e.server, token: e.token as string, username: e.username as string }
      : { server: e.server };
  }
  return profiles;
}

/** Version 1: each remembered server becomes a profile; the current one is called `default`. */
function migrateServers(record: Record<string, unknown>): Record<string, ProfileEntry> {
  const profiles: Record<string, ProfileEntry> = {};
  const current = typeof record['currentServer'] === 'string' ? record['currentServer'] : undefined;
  if (current !== undefined) profiles[DEFAULT_PROFILE] = { server: current };
  const raw = record['servers'];
  if (typeof raw !== 'object' || raw === null) return profiles;
  for (const [server, entry] of Object.entries(raw as Record<string, unknown>)) {
    const e = entry as { token?: unknown; username?: unknown } | null;
    if (typeof e?.token !== 'string' || typeof e.username !== 'string') continue;
    const name = server === current ? DEFAULT_PROFILE : profileNameFor(server, profiles);
    profiles[name] = { server, token: e.token, username: e.username };
  }
  return profiles;
}

function migratedCurrent(record: Record<string, unknown>, profiles: Record<string, ProfileEntry>): string | undefined {
  return typeof record['currentServer'] === 'string' && DEFAULT_PROFILE in profiles ? DEFAULT_PROFILE : undefined;
}

/**
 * A name for a new profile on `server`: `default` for the very first one, else the host and port
 * (`photos.example.com`, `127.0.0.1-4001`), numbered when taken.
 */
export function profileNameFor(server: string, taken: Record<string, unknown>): string {
  if (Object.keys(taken).length === 0) return DEFAULT_PROFILE;
  let base: string;
  try {
    base = new URL(server).host.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'server';
  } catch {
    base = 'server';
  }
  base = base.slice(0, 56);
  if (!(base in taken)) return base;
  for (let n = 2; ; n += 1) if (!(`${base}-${n}` in taken)) return `${base}-${n}`;
}

function oneOf<T extends string>(choices: readonly T[], value: unknown): T | undefined {
  return choices.find((choice) => choice === value);
}
