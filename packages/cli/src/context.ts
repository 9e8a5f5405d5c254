import { readFileSync } from 'node:fs';
import { AuthenticationError, createClient, type ApertureClient } from '@aperture/sdk';
import { ConfigStore, configPath, type ServerEntry } from './config-store.js';
import { AuthRequiredError, UsageError } from './exit-codes.js';
import { createOutput, type Io, type Output } from './output.js';

export const DEFAULT_SERVER = 'http://127.0.0.1:4000';

export const CLI_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** The options every command accepts (see program.ts). */
export interface GlobalOptions {
  server?: string | undefined;
  json?: boolean | undefined;
  quiet?: boolean | undefined;
}

/** What a command needs: where to talk to, how to print, where tokens live. */
export interface CliContext {
  io: Io;
  out: Output;
  store: ConfigStore;
  /** Normalised base URL of the server this command talks to. */
  server: string;
  /** A client for `server`, signed in when a token is stored for it. */
  client(entry?: ServerEntry): ApertureClient;
  /**
   * Runs `call` with a signed-in client. Without a stored token, or when the server says the
   * token is no longer valid (which also forgets it), fails with exit code 4.
   */
  authed<T>(call: (client: ApertureClient, entry: ServerEntry) => Promise<T>): Promise<T>;
}

export async function createContext(io: Io, options: GlobalOptions): Promise<CliContext> {
  const out = createOutput(io, { json: options.json ?? false, quiet: options.quiet ?? false });
  const store = new ConfigStore(configPath(io.env));
  // --server, else APERTURE_SERVER (commander fills `server` from it), else the last login's.
  const server = normalizeServerUrl(options.server ?? (await store.read()).currentServer ?? DEFAULT_SERVER);
  const userAgent = `aperture-cli/${CLI_VERSION} (node ${process.version}; ${process.platform})`;
  const client = (entry?: ServerEntry) => createClient({ url: server, token: entry?.token ?? null, userAgent });
  return {
    io,
    out,
    store,
    server,
    client,
    async authed(call) {
      const entry = await store.get(server);
      if (!entry) {
        throw new AuthRequiredError(
          `Not signed in to ${server}. Sign in with: aperture login --username <you>${serverFlag(server)}`,
        );
      }
      try {
        return await call(client(entry), entry);
      } catch (error) {
        if (error instanceof AuthenticationError && error.code === 'UNAUTHENTICATED') {
          await store.forget(server);
          throw new AuthRequiredError(
            `Your session on ${server} has ended. Sign in again with: aperture login --username ${entry.username}${serverFlag(server)}`,
          );
        }
        throw error;
      }
    },
  };
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
