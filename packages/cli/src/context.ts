import { readFileSync } from 'node:fs';
import { AuthenticationError, createClient, type ApertureClient } from '@aperture/sdk';
import {
  DEFAULT_PROFILE,
  isProfileName,
  profileNameFor,
  type CliConfig,
  type ColorMode,
  type ImageMode,
} from './config-file.js';
import { ConfigStore, configPath, credentialsOf, profileForServer, type ServerEntry } from './config-store.js';
import { AuthRequiredError, CliError, UsageError } from './exit-codes.js';
import { createOutput, type Io, type Output } from './output.js';

export const DEFAULT_SERVER = 'http://127.0.0.1:4000';

export const CLI_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** The options every command accepts (see program.ts). */
export interface GlobalOptions {
  server?: string | undefined;
  profile?: string | undefined;
  json?: boolean | undefined;
  quiet?: boolean | undefined;
  color?: ColorMode | undefined;
}

/** What a command needs: where to talk to, as whom, how to print, where tokens live. */
export interface CliContext {
  io: Io;
  out: Output;
  store: ConfigStore;
  /** The profile this command uses (see `selectProfile`). */
  profile: string;
  /** Normalised base URL of the server this command talks to. */
  server: string;
  /** Where `server` came from, for messages: `--server`, `APERTURE_SERVER`, the profile, or the default. */
  serverOrigin: ServerOrigin;
  /** How `browse` draws photos, as configured (`auto` unless set). */
  images: ImageMode;
  /** A client for `server`, signed in with `entry` when given. */
  client(entry?: ServerEntry): ApertureClient;
  /** The token and username of the profile, when it is signed in to `server`. */
  credentials(): Promise<ServerEntry | undefined>;
  /**
   * Runs `call` with a signed-in client. Without a stored token, or when the server says the
   * token is no longer valid (which also forgets it), fails with exit code 4.
   */
  authed<T>(call: (client: ApertureClient, entry: ServerEntry) => Promise<T>): Promise<T>;
  /** The exit-4 error for "this needs an account, and the profile has none on `server`". */
  notSignedIn(): AuthRequiredError;
}

/** Where a command's server URL came from. */
export type ServerOrigin =
  | { kind: 'flag' | 'env' | 'default' }
  /** The server stored in this profile (by a login or `config set server`). */
  | { kind: 'profile'; profile: string };

/** How commander says an option was set: `cli` (on the command line), `env` (its variable), …. */
export type OptionSource = string | undefined;

/** `serverSource`: how `options.server` was set (commander's option value source), if it was. */
export async function createContext(io: Io, options: GlobalOptions, serverSource?: OptionSource): Promise<CliContext> {
  const store = new ConfigStore(configPath(io.env));
  // A broken config file must not stop commands that never use it (`serve`, `migrate`, `demo`,
  // `completion`): they run on the defaults; anything that needs a profile reports the file.
  let unreadable: CliError | undefined;
  const config = await store.read().catch((error: unknown): CliConfig => {
    if (!(error instanceof CliError)) throw error;
    unreadable = error;
    return { profiles: {} };
  });
  const out = createOutput(io, {
    json: options.json ?? false,
    quiet: options.quiet ?? false,
    color: options.color ?? config.color,
  });
  const { profile, server } = selectProfile(config, options);
  const serverOrigin = originOf(config, options, profile, serverSource);
  const userAgent = `aperture-cli/${CLI_VERSION} (node ${process.version}; ${process.platform})`;
  const client = (entry?: ServerEntry) => createClient({ url: server, token: entry?.token ?? null, userAgent });
  const credentials = async () => {
    if (unreadable !== undefined) throw unreadable;
    return credentialsOf((await store.read()).profiles[profile], server);
  };
  const notSignedIn = () =>
    new AuthRequiredError(
      `Not signed in to ${server}${profileNote(profile)}. Sign in with: aperture login --username <you>${loginFlags(profile, server)}`,
    );
  return {
    io,
    out,
    store,
    profile,
    server,
    serverOrigin,
    images: config.images ?? 'auto',
    client,
    credentials,
    notSignedIn,
    async authed(call) {
      const entry = await credentials();
      if (!entry) throw notSignedIn();
      try {
        return await call(client(entry), entry);
      } catch (error) {
        if (error instanceof AuthenticationError && error.code === 'UNAUTHENTICATED') {
          await store.signOut(profile);
          throw new AuthRequiredError(
            `Your session on ${server}${profileNote(profile)} has ended. Sign in again with: aperture login --username ${entry.username}${loginFlags(profile, server)}`,
          );
        }
        throw error;
      }
    },
  };
}

/**
 * Which profile and server a command uses:
 * - `--profile`/`APERTURE_PROFILE` names it; its server is the default, `--server` overrides it;
 * - else `--server`/`APERTURE_SERVER` picks the profile with that server (a new one on login);
 * - else the current profile (the last login's), else `default`, on http://127.0.0.1:4000.
 */
export function selectProfile(
  config: CliConfig,
  options: Pick<GlobalOptions, 'profile' | 'server'>,
): { profile: string; server: string } {
  if (options.profile !== undefined) {
    if (!isProfileName(options.profile)) {
      throw new UsageError(
        `--profile: "${options.profile}" is not a profile name (letters, digits, "_", "." and "-", 64 at most).`,
      );
    }
    const server = options.server ?? config.profiles[options.profile]?.server ?? DEFAULT_SERVER;
    return { profile: options.profile, server: normalizeServerUrl(server) };
  }
  if (options.server !== undefined) {
    const server = normalizeServerUrl(options.server);
    return { profile: profileForServer(config, server) ?? profileNameFor(server, config.profiles), server };
  }
  const profile = config.currentProfile ?? DEFAULT_PROFILE;
  return { profile, server: normalizeServerUrl(config.profiles[profile]?.server ?? DEFAULT_SERVER) };
}

function originOf(
  config: CliConfig,
  options: Pick<GlobalOptions, 'server'>,
  profile: string,
  serverSource: OptionSource,
): ServerOrigin {
  if (options.server !== undefined) return { kind: serverSource === 'env' ? 'env' : 'flag' };
  return config.profiles[profile]?.server === undefined ? { kind: 'default' } : { kind: 'profile', profile };
}

function profileNote(profile: string): string {
  return profile === DEFAULT_PROFILE ? '' : ` (profile ${profile})`;
}

/** The flags that bring a `login` hint back to this profile and server. */
function loginFlags(profile: string, server: string): string {
  return `${profile === DEFAULT_PROFILE ? '' : ` --profile ${profile}`}${serverFlag(server)}`;
}

/** `--server <url>` for a hint, unless it is the default. */
export function serverFlag(server: string): string {
  return server === DEFAULT_SERVER ? '' : ` --server ${server}`;
}

/** One spelling per server, so that tokens are found again: no trailing slash, lower-case host. */
export function normalizeServerUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new UsageError(`--server: "${input}" is not a URL (try http://127.0.0.1:4000).`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--server: "${input}" must be an http:// or https:// URL.`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
