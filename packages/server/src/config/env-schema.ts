import { z } from 'zod';
import { MAX_NODE_ID } from '../ids/snowflake.js';
import { DEFAULT_MEDIA_SETTINGS } from './media-settings.js';
import { DEFAULT_FEED_SETTINGS } from './feed-settings.js';
import { DEFAULT_WRITE_LIMITS, formatLimits } from './write-limit-settings.js';
import { DEFAULT_ACCOUNT_DATA_SETTINGS } from './account-data-settings.js';

export const HOUR_MS = 3_600_000;

/**
 * Every environment variable the server reads, its type, bounds and default: `loadConfig` parses
 * the environment with it, and the docs' tables (env-docs.ts, env-table.ts) list what it holds.
 */
const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const envSchema = z.object({
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
