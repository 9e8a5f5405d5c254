import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { DatabaseConfig } from '../db/connect.js';
import type { BlobStoreConfig } from '../storage/index.js';
import { MAX_NODE_ID } from '../ids/snowflake.js';
import { DEFAULT_MEDIA_SETTINGS, type MediaSettings } from './media-settings.js';
import { DEFAULT_FEED_SETTINGS, type FeedSettings } from './feed-settings.js';
import { DEFAULT_WRITE_LIMITS, formatLimits, parseLimits, type WriteLimitSettings } from './write-limit-settings.js';
import { DEFAULT_ACCOUNT_DATA_SETTINGS, type AccountDataSettings } from './account-data-settings.js';

const HOUR_MS = 3_600_000;
/**
 * A worker's niceness unless set: API processes on its machine get the CPU first, it the rest.
 * The lowest priority: at 10 reads on a 2-core box still slowed 2.1× at p99 while it processed
 * camera photos, at 19 1.5×, and its throughput beside an unsaturated API was the same.
 */
const WORKER_NICE = 19;

export type Role = 'api' | 'worker' | 'all';

/** How much argon2 work one process does at once (read by accounts/passwords.ts). */
export interface PasswordHashingLimits {
  /** Hashes or verifications running at once in this process. */
  concurrency: number;
  /** Callers allowed to wait for a turn; beyond that a call fails at once with RATE_LIMITED. */
  maxQueue: number;
}

/** Everything the server needs, parsed once at start. Services receive this, never `process.env`. */
export interface Config {
  dataDir: string;
  host: string;
  port: number;
  /** Base URL clients use to reach this server; derived from host and port when unset. */
  publicUrl: string | undefined;
  role: Role;
  /**
   * APERTURE_NICE: the niceness `aperture serve` gives all its threads at start (0: unchanged);
   * 19 for the worker role and 0 for the others unless set.
   */
  nice: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * APERTURE_NODE_ID: the snowflake node id this process must lease. Undefined (the usual case):
   * it leases the lowest id no live process holds (`db/node-leases.ts`).
   */
  nodeId: number | undefined;
  /** How long a stop waits for requests in flight before closing their connections. */
  shutdownGraceMs: number;
  /** HMAC key for signed URLs; generated and kept in `<dataDir>/secret` when unset. */
  secret: string | undefined;
  database: DatabaseConfig;
  /**
   * A streaming replica of the Postgres database that serves the read paths (feeds, profiles, posts,
   * search, hashtags), and the lag past which they go back to the primary. Undefined: none.
   */
  readReplica: ReadReplicaConfig | undefined;
  media: BlobStoreConfig;
  sessionTtlDays: number;
  /** Reverse proxies in front of this server whose X-Forwarded-* headers are believed (0: none). */
  trustProxy: number;
  /** Upload limits, processing concurrency, collection windows. */
  mediaSettings: MediaSettings;
  /** ffmpeg and ffprobe to run instead of the bundled ones (undefined: the bundled binaries). */
  videoTools: { ffmpegPath: string | undefined; ffprobePath: string | undefined };
  /** Where a video is copied to be probed and transcoded (default: the OS temp folder). */
  videoTempDir: string;
  /** Fan-out threshold and windows of the home feed. */
  feedSettings: FeedSettings;
  /** How often each process writes the post views it counted. */
  viewFlushMs: number;
  /**
   * Postgres: how often workers, live streams and their session checks look for what other
   * processes wrote, in case a LISTEN/NOTIFY wake-up was missed.
   */
  safetyPollMs: number;
  /** Below this much free space on the media or SQLite volume, uploads are refused and /readyz fails. */
  minFreeBytes: number;
  /** Most calls one batched tRPC request may carry. */
  maxBatchSize: number;
  /** argon2 computations at once in this process, and callers allowed to wait for a turn. */
  passwordHashing: PasswordHashingLimits;
  /** Per-address limits on calls made without a session, per minute; 0 turns one off. */
  rateLimits: { passwordPerMinute: number; anonymousPerMinute: number };
  /** Posts, comments, likes, follows, upload starts and reports an hour per account and address; sign-ups per address. */
  writeLimits: WriteLimitSettings;
  /** The operator's word filter file (`APERTURE_WORD_FILTER_FILE`), re-read when it changes; undefined: none. */
  wordFilterFile: string | undefined;
  /** Export lifetime, deletion grace period, how long a deleted account's username stays reserved. */
  accountData: AccountDataSettings;
  /** Who may read /metrics: a bearer token on the public port, and/or a separate listener. */
  metrics: { token: string | undefined; port: number | undefined; host: string };
}

export interface ReadReplicaConfig {
  /** The replica's URL, without a schema: it serves the primary's schema. */
  url: string;
  maxLagMs: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const envSchema = z.object({
  APERTURE_DATA_DIR: z.string().min(1).default('./data'),
  APERTURE_DATABASE_URL: z.string().min(1).optional(),
  APERTURE_DATABASE_READ_URL: z.string().min(1).optional(),
  APERTURE_DATABASE_READ_MAX_LAG_SECONDS: z.coerce.number().positive().max(3600).default(10),
  APERTURE_MEDIA_URL: z.string().min(1).optional(),
  APERTURE_HOST: z.string().min(1).default('127.0.0.1'),
  APERTURE_PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  APERTURE_PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  APERTURE_ROLE: z.enum(['api', 'worker', 'all']).default('all'),
  APERTURE_NICE: z.coerce.number().int().min(0).max(19).optional(),
  APERTURE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  APERTURE_NODE_ID: z.coerce.number().int().min(0).max(MAX_NODE_ID).optional(),
  APERTURE_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  APERTURE_SESSION_TTL_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  // true means the one proxy in front; a number counts proxies (a CDN before nginx is 2).
  APERTURE_TRUST_PROXY: z
    .union([booleanString.transform((on) => (on ? 1 : 0)), z.coerce.number().int().min(0).max(10)], {
      error: 'must be true, false or a number of proxies (0-10)',
    })
    .default(0),
  APERTURE_MAX_UPLOAD_MB: z.coerce.number().positive().max(1024).default(25),
  APERTURE_MAX_IMAGE_MEGAPIXELS: z.coerce.number().positive().max(500).default(50),
  APERTURE_MAX_VIDEO_MB: z.coerce.number().positive().max(16_384).default(512),
  APERTURE_MAX_VIDEO_SECONDS: z.coerce.number().positive().max(86_400).default(900),
  APERTURE_VIDEO_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
  APERTURE_FFMPEG_PATH: z.string().min(1).optional(),
  APERTURE_FFPROBE_PATH: z.string().min(1).optional(),
  APERTURE_VIDEO_TEMP_DIR: z.string().min(1).optional(),
  APERTURE_MEDIA_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  APERTURE_MEDIA_RENDER_QUEUE: z.coerce.number().int().min(0).max(1000).default(DEFAULT_MEDIA_SETTINGS.renderQueue),
  APERTURE_UNATTACHED_MEDIA_HOURS: z.coerce.number().positive().default(24),
  APERTURE_MEDIA_BLOCKLIST_DISTANCE: z.coerce
    .number()
    .int()
    .min(0)
    .max(32)
    .default(DEFAULT_MEDIA_SETTINGS.blocklistDistance),
  APERTURE_CELEBRITY_FOLLOWERS: z.coerce.number().int().min(1).default(DEFAULT_FEED_SETTINGS.celebrityFollowers),
  APERTURE_ACTIVE_DAYS: z.coerce.number().int().min(1).max(365).default(DEFAULT_FEED_SETTINGS.activeDays),
  APERTURE_TIMELINE_CAP: z.coerce.number().int().min(1).max(100_000).default(DEFAULT_FEED_SETTINGS.timelineCap),
  APERTURE_TIMELINE_TRIM_EVERY: z.coerce.number().int().min(1).max(1000).default(DEFAULT_FEED_SETTINGS.trimEvery),
  APERTURE_VIEW_FLUSH_SECONDS: z.coerce.number().positive().max(3600).default(5),
  APERTURE_SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(0).max(3600).default(10),
  APERTURE_SAFETY_POLL_SECONDS: z.coerce.number().min(0.05).max(3600).default(30),
  APERTURE_MIN_FREE_MB: z.coerce.number().min(0).default(256),
  APERTURE_MAX_BATCH: z.coerce.number().int().min(1).max(1000).default(10),
  APERTURE_PASSWORD_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  APERTURE_PASSWORD_HASH_QUEUE: z.coerce.number().int().min(0).max(10_000).default(32),
  APERTURE_RATE_LIMIT_PASSWORD_PER_MIN: z.coerce.number().int().min(0).default(30),
  APERTURE_RATE_LIMIT_ANON_PER_MIN: z.coerce.number().int().min(0).default(300),
  APERTURE_WRITE_LIMITS: z.string().default(formatLimits(DEFAULT_WRITE_LIMITS.perAccount)),
  APERTURE_WRITE_LIMITS_NEW_ACCOUNT: z.string().default(formatLimits(DEFAULT_WRITE_LIMITS.newAccount)),
  APERTURE_NEW_ACCOUNT_HOURS: z.coerce
    .number()
    .min(0)
    .max(24 * 365)
    .default(DEFAULT_WRITE_LIMITS.newAccountMs / 3_600_000),
  APERTURE_WRITE_LIMITS_PER_ADDRESS: z.string().default(formatLimits(DEFAULT_WRITE_LIMITS.perAddress)),
  APERTURE_WORD_FILTER_FILE: z.string().min(1).optional(),
  APERTURE_EXPORT_TTL_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 365)
    .default(DEFAULT_ACCOUNT_DATA_SETTINGS.exportTtlMs / HOUR_MS),
  APERTURE_DELETION_GRACE_HOURS: z.coerce
    .number()
    .min(0)
    .max(24 * 3650)
    .default(DEFAULT_ACCOUNT_DATA_SETTINGS.deletionGraceMs / HOUR_MS),
  APERTURE_DELETED_USERNAME_HOLD_DAYS: z.coerce
    .number()
    .min(0)
    .max(3650)
    .default(DEFAULT_ACCOUNT_DATA_SETTINGS.usernameHoldMs / (24 * HOUR_MS)),
  APERTURE_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  APERTURE_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  APERTURE_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  AWS_REGION: z.string().optional(),
});

export type EnvVariable = keyof typeof envSchema.shape;

/** Every environment variable the server reads; each has its entry in env-docs.ts, which the docs' tables come from. */
export const ENV_VARIABLES = Object.keys(envSchema.shape) as readonly EnvVariable[];

/** What the schema gives each variable when it is unset (absent: no default of its own), for the docs' tables. */
export const ENV_DEFAULTS: Readonly<Partial<Record<EnvVariable, string | number>>> = envSchema.parse({});

/** `sqlite:<path>` or `postgres://…[?schema=name]`. */
export function parseDatabaseUrl(url: string, baseDir: string): DatabaseConfig {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (file === '') throw new Error('sqlite: URL needs a file path, e.g. sqlite:./data/aperture.db');
    return { kind: 'sqlite', path: file === ':memory:' ? file : path.resolve(baseDir, file) };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    const parsed = new URL(url);
    const schema = parsed.searchParams.get('schema') ?? undefined;
    parsed.searchParams.delete('schema');
    if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
      throw new Error('schema must be a lower-case SQL identifier');
    }
    return { kind: 'postgres', url: parsed.toString(), ...(schema ? { schema } : {}) };
  }
  throw new Error('must start with sqlite: or postgres://');
}

/**
 * A streaming replica serves the primary's own tables, so it is Postgres like the primary, and its
 * URL names no other schema (`?schema=` of the primary's URL applies to both).
 */
function parseReadUrl(url: string, primary: DatabaseConfig | undefined, maxLagSeconds: number): ReadReplicaConfig {
  if (primary?.kind === 'sqlite') {
    throw new Error('a read replica needs Postgres: APERTURE_DATABASE_URL is SQLite, which has no replicas');
  }
  if (!/^postgres(ql)?:\/\//.test(url)) throw new Error('must start with postgres://');
  const parsed = parseDatabaseUrl(url, '.');
  if (parsed.kind !== 'postgres') throw new Error('must start with postgres://');
  if (parsed.schema !== undefined && parsed.schema !== primary?.schema) {
    throw new Error("must not name a schema of its own: the replica serves APERTURE_DATABASE_URL's schema");
  }
  return { url: parsed.url, maxLagMs: Math.round(maxLagSeconds * 1000) };
}

/** `file:<dir>` or `s3://<bucket>?region=…&endpoint=…&forcePathStyle=true`. */
export function parseMediaUrl(url: string, baseDir: string, defaultRegion: string | undefined): BlobStoreConfig {
  if (url.startsWith('file:')) {
    const dir = url.slice('file:'.length).replace(/^\/\/(?=\/)/, '');
    if (dir === '') throw new Error('file: URL needs a directory, e.g. file:./data/media');
    return { kind: 'disk', root: path.resolve(baseDir, dir) };
  }
  if (url.startsWith('s3://')) {
    const parsed = new URL(url);
    const bucket = parsed.hostname;
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new Error(`"${bucket}" is not a valid bucket name`);
    const endpoint = parsed.searchParams.get('endpoint') ?? undefined;
    if (endpoint !== undefined && !/^https?:\/\//.test(endpoint)) throw new Error('endpoint must be an http(s) URL');
    const region = parsed.searchParams.get('region') ?? defaultRegion ?? 'us-east-1';
    const forcePathStyle = parsed.searchParams.get('forcePathStyle');
    if (forcePathStyle !== null && forcePathStyle !== 'true' && forcePathStyle !== 'false') {
      throw new Error('forcePathStyle must be true or false');
    }
    return {
      kind: 's3',
      bucket,
      region,
      ...(endpoint ? { endpoint } : {}),
      ...(forcePathStyle !== null ? { forcePathStyle: forcePathStyle === 'true' } : {}),
    };
  }
  throw new Error('must start with file: or s3://');
}

/**
 * Parse configuration from environment variables. Collects every problem before failing, so an
 * operator fixes a broken deployment in one pass. Relative paths resolve against `cwd`.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): Config {
  const problems: string[] = [];
  // Empty variables are treated as unset: `APERTURE_PORT=` in a .env file should mean "default".
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.success ? parsed.data : undefined;
  const dataDir = path.resolve(
    cwd,
    typeof present.APERTURE_DATA_DIR === 'string' ? present.APERTURE_DATA_DIR : './data',
  );

  let database: DatabaseConfig | undefined;
  try {
    database = present.APERTURE_DATABASE_URL
      ? parseDatabaseUrl(present.APERTURE_DATABASE_URL, cwd)
      : { kind: 'sqlite', path: path.join(dataDir, 'aperture.db') };
  } catch (error) {
    problems.push(`APERTURE_DATABASE_URL: ${(error as Error).message}`);
  }
  let readReplica: ReadReplicaConfig | undefined;
  try {
    readReplica = present.APERTURE_DATABASE_READ_URL
      ? parseReadUrl(present.APERTURE_DATABASE_READ_URL, database, e?.APERTURE_DATABASE_READ_MAX_LAG_SECONDS ?? 10)
      : undefined;
  } catch (error) {
    problems.push(`APERTURE_DATABASE_READ_URL: ${(error as Error).message}`);
  }
  let media: BlobStoreConfig | undefined;
  try {
    media = present.APERTURE_MEDIA_URL
      ? parseMediaUrl(present.APERTURE_MEDIA_URL, cwd, present.AWS_REGION)
      : { kind: 'disk', root: path.join(dataDir, 'media') };
  } catch (error) {
    problems.push(`APERTURE_MEDIA_URL: ${(error as Error).message}`);
  }

  if (e?.APERTURE_METRICS_PORT && e.APERTURE_METRICS_PORT === e.APERTURE_PORT) {
    problems.push('APERTURE_METRICS_PORT: must differ from APERTURE_PORT (metrics get a listener of their own)');
  }

  const limitsOf = <K extends string>(name: EnvVariable, defaults: Readonly<Record<K, number>>) => {
    try {
      return parseLimits(String(e?.[name] ?? ''), defaults);
    } catch (error) {
      problems.push(`${name}: ${(error as Error).message}`);
      return defaults;
    }
  };
  const writeLimits: WriteLimitSettings = {
    perAccount: limitsOf('APERTURE_WRITE_LIMITS', DEFAULT_WRITE_LIMITS.perAccount),
    newAccount: limitsOf('APERTURE_WRITE_LIMITS_NEW_ACCOUNT', DEFAULT_WRITE_LIMITS.newAccount),
    newAccountMs: Math.round((e?.APERTURE_NEW_ACCOUNT_HOURS ?? 0) * 3_600_000),
    perAddress: limitsOf('APERTURE_WRITE_LIMITS_PER_ADDRESS', DEFAULT_WRITE_LIMITS.perAddress),
  };

  if (problems.length > 0 || !e || !database || !media) throw new ConfigError(problems);
  return {
    dataDir,
    host: e.APERTURE_HOST,
    port: e.APERTURE_PORT,
    publicUrl: e.APERTURE_PUBLIC_URL,
    role: e.APERTURE_ROLE,
    nice: e.APERTURE_NICE ?? (e.APERTURE_ROLE === 'worker' ? WORKER_NICE : 0),
    logLevel: e.APERTURE_LOG_LEVEL,
    nodeId: e.APERTURE_NODE_ID,
    shutdownGraceMs: Math.round(e.APERTURE_SHUTDOWN_GRACE_SECONDS * 1000),
    secret: e.APERTURE_SECRET,
    database,
    readReplica,
    media,
    sessionTtlDays: e.APERTURE_SESSION_TTL_DAYS,
    trustProxy: e.APERTURE_TRUST_PROXY,
    mediaSettings: {
      ...DEFAULT_MEDIA_SETTINGS,
      maxBytes: Math.floor(e.APERTURE_MAX_UPLOAD_MB * 1024 * 1024),
      maxPixels: Math.floor(e.APERTURE_MAX_IMAGE_MEGAPIXELS * 1_000_000),
      concurrency: e.APERTURE_MEDIA_CONCURRENCY,
      renderQueue: e.APERTURE_MEDIA_RENDER_QUEUE,
      unattachedMediaHours: e.APERTURE_UNATTACHED_MEDIA_HOURS,
      maxVideoBytes: Math.floor(e.APERTURE_MAX_VIDEO_MB * 1024 * 1024),
      maxVideoSeconds: e.APERTURE_MAX_VIDEO_SECONDS,
      videoConcurrency: e.APERTURE_VIDEO_CONCURRENCY,
      blocklistDistance: e.APERTURE_MEDIA_BLOCKLIST_DISTANCE,
    },
    videoTools: {
      ffmpegPath: e.APERTURE_FFMPEG_PATH && path.resolve(cwd, e.APERTURE_FFMPEG_PATH),
      ffprobePath: e.APERTURE_FFPROBE_PATH && path.resolve(cwd, e.APERTURE_FFPROBE_PATH),
    },
    videoTempDir: e.APERTURE_VIDEO_TEMP_DIR ? path.resolve(cwd, e.APERTURE_VIDEO_TEMP_DIR) : tmpdir(),
    feedSettings: {
      ...DEFAULT_FEED_SETTINGS,
      celebrityFollowers: e.APERTURE_CELEBRITY_FOLLOWERS,
      activeDays: e.APERTURE_ACTIVE_DAYS,
      timelineCap: e.APERTURE_TIMELINE_CAP,
      trimEvery: e.APERTURE_TIMELINE_TRIM_EVERY,
    },
    viewFlushMs: Math.round(e.APERTURE_VIEW_FLUSH_SECONDS * 1000),
    safetyPollMs: Math.round(e.APERTURE_SAFETY_POLL_SECONDS * 1000),
    minFreeBytes: Math.floor(e.APERTURE_MIN_FREE_MB * 1024 * 1024),
    maxBatchSize: e.APERTURE_MAX_BATCH,
    passwordHashing: { concurrency: e.APERTURE_PASSWORD_HASH_CONCURRENCY, maxQueue: e.APERTURE_PASSWORD_HASH_QUEUE },
    rateLimits: {
      passwordPerMinute: e.APERTURE_RATE_LIMIT_PASSWORD_PER_MIN,
      anonymousPerMinute: e.APERTURE_RATE_LIMIT_ANON_PER_MIN,
    },
    writeLimits,
    accountData: {
      exportTtlMs: Math.round(e.APERTURE_EXPORT_TTL_HOURS * HOUR_MS),
      deletionGraceMs: Math.round(e.APERTURE_DELETION_GRACE_HOURS * HOUR_MS),
      usernameHoldMs: Math.round(e.APERTURE_DELETED_USERNAME_HOLD_DAYS * 24 * HOUR_MS),
    },
    wordFilterFile: e.APERTURE_WORD_FILTER_FILE && path.resolve(cwd, e.APERTURE_WORD_FILTER_FILE),
    metrics: { token: e.APERTURE_METRICS_TOKEN, port: e.APERTURE_METRICS_PORT, host: e.APERTURE_METRICS_HOST },
  };
}
