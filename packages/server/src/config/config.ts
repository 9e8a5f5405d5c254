import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DatabaseConfig } from '../db/connect.js';
import type { BlobStoreConfig } from '../storage/index.js';
import { DEFAULT_MEDIA_SETTINGS, type MediaSettings } from './media-settings.js';
import { DEFAULT_FEED_SETTINGS, type FeedSettings } from './feed-settings.js';
import { DEFAULT_WRITE_LIMITS, parseLimits, type WriteLimitSettings } from './write-limit-settings.js';
import type { AccountDataSettings } from './account-data-settings.js';
import { envSchema, HOUR_MS, type EnvVariable } from './env-schema.js';
import { parseDatabaseUrl, parseMediaUrl, parseReadUrl, type ReadReplicaConfig } from './urls.js';

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

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
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
