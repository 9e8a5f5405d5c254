import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { createServer, loadConfig, type ApertureServer, type Config } from '../../src/index.js';
import type { Clock } from '../../src/clock.js';
import type { PasswordHasher } from '../../src/modules/accounts/passwords.js';
import type { TestDialect } from './databases.js';
import { startS3rver, type S3rverHarness } from './s3rver.js';

export interface TestServer {
  server: ApertureServer;
  url: string;
  config: Config;
  /** The s3rver behind the `s3` store, to inject faults. */
  s3: S3rverHarness | undefined;
  stop(): Promise<void>;
}

export interface TestServerOptions {
  dialect: TestDialect;
  media?: 'disk' | 's3';
  clock?: Clock;
  logStream?: Writable;
  env?: Record<string, string>;
  /** The hasher under the server's concurrency limit (default argon2id). */
  passwords?: PasswordHasher;
}

/**
 * The per-address and write limits the test servers run with. Every test talks from 127.0.0.1, and many
 * register and sign in dozens of users in a few seconds (often with a manual clock that never
 * refills a bucket), which the production defaults rightly refuse. Tests of the limits themselves
 * pass their own values in `env`, and one proves the defaults.
 */
export const TEST_RATE_LIMITS = {
  APERTURE_RATE_LIMIT_PASSWORD_PER_MIN: '100000',
  APERTURE_RATE_LIMIT_ANON_PER_MIN: '1000000',
  APERTURE_WRITE_LIMITS: 'off',
  APERTURE_WRITE_LIMITS_NEW_ACCOUNT: 'off',
  APERTURE_WRITE_LIMITS_PER_ADDRESS: 'off',
};

/**
 * The real server on a free port, over a fresh database of `dialect` and a fresh blob store:
 * what e2e tests talk to through real HTTP.
 */
export async function startTestServer(options: TestServerOptions): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'aperture-e2e-'));
  const database = await options.dialect.create({ migrate: false });
  const s3 = options.media === 's3' ? await startS3rver() : undefined;
  // The S3 client reads credentials from the standard AWS variables, as in production; s3rver
  // accepts only its own key id, though it does not verify signatures.
  process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
  const base = loadConfig({
    APERTURE_DATA_DIR: dataDir,
    APERTURE_PORT: '0',
    APERTURE_LOG_LEVEL: options.logStream ? 'info' : 'silent',
    ...TEST_RATE_LIMITS,
    ...options.env,
  });
  const config: Config = {
    ...base,
    database: database.config,
    media: s3
      ? { kind: 's3', bucket: s3.bucket, region: 'us-east-1', endpoint: s3.endpoint, forcePathStyle: true }
      : base.media,
  };
  const server = await createServer(config, {
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.logStream ? { logStream: options.logStream } : {}),
    ...(options.passwords ? { passwords: options.passwords } : {}),
  });
  const url = await server.start();
  return {
    server,
    url,
    config,
    s3,
    async stop() {
      await server.stop();
      await s3?.stop();
      await database.cleanup();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A clock tests can move. */
export function manualClock(start = new Date()): Clock & { advance(ms: number): void } {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance(ms) {
      now += ms;
    },
  };
}

export interface TrpcResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: { result?: { data: T }; error?: { message: string; code: number; data: Record<string, unknown> } };
}

/** Call a procedure the way any HTTP client would: plain JSON, no SDK. */
export async function callTrpc<T = unknown>(
  url: string,
  path: string,
  options: { type?: 'query' | 'mutation'; input?: unknown; token?: string; rawBody?: string } = {},
): Promise<TrpcResponse<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const type = options.type ?? 'mutation';
  const response =
    type === 'query'
      ? await fetch(
          `${url}/trpc/${path}${options.input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(options.input))}`}`,
          { headers },
        )
      : await fetch(`${url}/trpc/${path}`, {
          method: 'POST',
          headers,
          body: options.rawBody ?? JSON.stringify(options.input ?? null),
        });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as TrpcResponse<T>['body'],
  };
}
