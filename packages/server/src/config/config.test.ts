import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import { parseDatabaseUrl, parseMediaUrl } from './urls.js';
import { ensureSecret } from './secret.js';
import { DEFAULT_WRITE_LIMITS } from './write-limit-settings.js';

describe('loadConfig', () => {
  it('parses write limits over their defaults: kind=n, kind=0, off, and names the first problem', () => {
    const defaults = loadConfig({}, '/srv/app').writeLimits;
    expect(defaults).toEqual(DEFAULT_WRITE_LIMITS);
    const config = loadConfig(
      {
        APERTURE_WRITE_LIMITS: ' posts=5 , likes=0',
        APERTURE_WRITE_LIMITS_NEW_ACCOUNT: 'off',
        APERTURE_NEW_ACCOUNT_HOURS: '1.5',
        APERTURE_WRITE_LIMITS_PER_ADDRESS: 'signups=3',
      },
      '/srv/app',
    ).writeLimits;
    expect(config.perAccount).toEqual({ ...DEFAULT_WRITE_LIMITS.perAccount, posts: 5, likes: 0 });
    expect(Object.values(config.newAccount).every((n) => n === 0)).toBe(true);
    expect(config.newAccountMs).toBe(5_400_000);
    expect(config.perAddress).toEqual({ ...DEFAULT_WRITE_LIMITS.perAddress, signups: 3 });
    expect(() => loadConfig({ APERTURE_WRITE_LIMITS: 'posts=ten' })).toThrow(
      /APERTURE_WRITE_LIMITS: "posts=ten" is not kind=number/,
    );
    // Sign-ups are counted per address only.
    expect(() => loadConfig({ APERTURE_WRITE_LIMITS: 'signups=1' })).toThrow(/unknown kind "signups"/);
  });

  it('defaults to the embedded setup under ./data', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config).toMatchObject({
      dataDir: '/srv/app/data',
      host: '127.0.0.1',
      port: 4000,
      role: 'all',
      database: { kind: 'sqlite', path: '/srv/app/data/aperture.db' },
      media: { kind: 'disk', root: '/srv/app/data/media' },
      secret: undefined,
      publicUrl: undefined,
    });
    // No node id unless pinned: the server leases a free one from the database at start.
    expect(config.nodeId).toBeUndefined();
    expect(config.shutdownGraceMs).toBe(10_000);
    expect(config.safetyPollMs).toBe(30_000);
  });

  it('reads every variable', () => {
    const config = loadConfig(
      {
        APERTURE_DATA_DIR: '/var/lib/aperture',
        APERTURE_DATABASE_URL: 'postgres://u:p@db:5432/aperture?schema=photos',
        APERTURE_MEDIA_URL: 's3://photos?endpoint=http://minio:9000&region=eu-west-1&forcePathStyle=true',
        APERTURE_HOST: '0.0.0.0',
        APERTURE_PORT: '8080',
        APERTURE_PUBLIC_URL: 'https://photos.example.com/',
        APERTURE_ROLE: 'worker',
        APERTURE_NODE_ID: '42',
        APERTURE_SECRET: 'x'.repeat(40),
        APERTURE_LOG_LEVEL: 'debug',
        APERTURE_SESSION_TTL_DAYS: '7',
        APERTURE_TRUST_PROXY: 'true',
        APERTURE_SAFETY_POLL_SECONDS: '2.5',
      },
      '/',
    );
    expect(config).toMatchObject({
      dataDir: '/var/lib/aperture',
      database: { kind: 'postgres', url: 'postgres://u:p@db:5432/aperture', schema: 'photos' },
      media: { kind: 's3', bucket: 'photos', endpoint: 'http://minio:9000', region: 'eu-west-1', forcePathStyle: true },
      host: '0.0.0.0',
      port: 8080,
      publicUrl: 'https://photos.example.com',
      role: 'worker',
      nodeId: 42,
      logLevel: 'debug',
      sessionTtlDays: 7,
      trustProxy: 1,
      safetyPollMs: 2_500,
    });
  });

  it('lists every problem at once', () => {
    let caught: unknown;
    try {
      loadConfig({
        APERTURE_PORT: 'http',
        APERTURE_ROLE: 'boss',
        APERTURE_SECRET: 'short',
        APERTURE_DATABASE_URL: 'mysql://x',
        APERTURE_MEDIA_URL: 'ftp://x',
        APERTURE_NODE_ID: '9000',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    for (const name of ['PORT', 'ROLE', 'SECRET', 'DATABASE_URL', 'MEDIA_URL', 'NODE_ID']) {
      expect(problems).toContain(`APERTURE_${name}`);
    }
    expect((caught as ConfigError).message).toMatch(/^Invalid configuration:\n {2}- /);
  });

  it('nices a worker to 19 unless APERTURE_NICE says otherwise; other roles keep their priority', () => {
    expect(loadConfig({ APERTURE_ROLE: 'worker' }, '/a').nice).toBe(19);
    expect(loadConfig({}, '/a').nice).toBe(0);
    expect(loadConfig({ APERTURE_ROLE: 'api' }, '/a').nice).toBe(0);
    expect(loadConfig({ APERTURE_ROLE: 'worker', APERTURE_NICE: '0' }, '/a').nice).toBe(0);
    expect(loadConfig({ APERTURE_ROLE: 'api', APERTURE_NICE: '19' }, '/a').nice).toBe(19);
    for (const bad of ['20', '-1', '2.5', 'low']) {
      expect(() => loadConfig({ APERTURE_NICE: bad }, '/a'), bad).toThrow(/APERTURE_NICE/);
    }
  });

  it('keeps 256 MiB free by default; APERTURE_MIN_FREE_MB moves the floor, 0 turns it off', () => {
    expect(loadConfig({}, '/a').minFreeBytes).toBe(256 * 1024 * 1024);
    expect(loadConfig({ APERTURE_MIN_FREE_MB: '1.5' }, '/a').minFreeBytes).toBe(1.5 * 1024 * 1024);
    expect(loadConfig({ APERTURE_MIN_FREE_MB: '0' }, '/a').minFreeBytes).toBe(0);
    expect(() => loadConfig({ APERTURE_MIN_FREE_MB: '-1' }, '/a')).toThrow(/APERTURE_MIN_FREE_MB/);
  });

  it('caps work per request and per client, and guards /metrics, by default', () => {
    expect(loadConfig({}, '/')).toMatchObject({
      trustProxy: 0,
      maxBatchSize: 10,
      passwordHashing: { concurrency: 2, maxQueue: 32 },
      rateLimits: { passwordPerMinute: 30, anonymousPerMinute: 300 },
      metrics: { token: undefined, port: undefined, host: '127.0.0.1' },
    });
    expect(
      loadConfig(
        {
          APERTURE_TRUST_PROXY: '2',
          APERTURE_MAX_BATCH: '4',
          APERTURE_PASSWORD_HASH_CONCURRENCY: '4',
          APERTURE_PASSWORD_HASH_QUEUE: '0',
          APERTURE_RATE_LIMIT_PASSWORD_PER_MIN: '0',
          APERTURE_RATE_LIMIT_ANON_PER_MIN: '1000',
          APERTURE_METRICS_TOKEN: 't'.repeat(16),
          APERTURE_METRICS_PORT: '9464',
          APERTURE_METRICS_HOST: '10.0.0.5',
        },
        '/',
      ),
    ).toMatchObject({
      trustProxy: 2,
      maxBatchSize: 4,
      passwordHashing: { concurrency: 4, maxQueue: 0 },
      rateLimits: { passwordPerMinute: 0, anonymousPerMinute: 1000 },
      metrics: { token: 't'.repeat(16), port: 9464, host: '10.0.0.5' },
    });
    expect(() => loadConfig({ APERTURE_METRICS_TOKEN: 'short' }, '/')).toThrow(/APERTURE_METRICS_TOKEN/);
    expect(() => loadConfig({ APERTURE_MAX_BATCH: '0' }, '/')).toThrow(/APERTURE_MAX_BATCH/);
    expect(() => loadConfig({ APERTURE_TRUST_PROXY: 'maybe' }, '/')).toThrow(/APERTURE_TRUST_PROXY/);
    expect(() => loadConfig({ APERTURE_PORT: '9464', APERTURE_METRICS_PORT: '9464' }, '/')).toThrow(
      /APERTURE_METRICS_PORT/,
    );
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ APERTURE_PORT: '', APERTURE_DATABASE_URL: '' }, '/a')).toMatchObject({
      port: 4000,
      database: { kind: 'sqlite', path: '/a/data/aperture.db' },
    });
  });
});

describe('read replica', () => {
  const problemsOf = (env: Record<string, string>): string => {
    try {
      loadConfig(env, '/a');
    } catch (error) {
      return (error as ConfigError).problems.join('\n');
    }
    return '';
  };

  it('is off unless APERTURE_DATABASE_READ_URL is set; with Postgres it serves the primary schema', () => {
    expect(loadConfig({}, '/a').readReplica).toBeUndefined();
    expect(
      loadConfig(
        {
          APERTURE_DATABASE_URL: 'postgres://app@primary/db?schema=photos',
          APERTURE_DATABASE_READ_URL: 'postgres://app@replica/db',
          APERTURE_DATABASE_READ_MAX_LAG_SECONDS: '2.5',
        },
        '/a',
      ).readReplica,
    ).toEqual({ url: 'postgres://app@replica/db', maxLagMs: 2500 });
    expect(
      loadConfig({ APERTURE_DATABASE_URL: 'postgres://p/db', APERTURE_DATABASE_READ_URL: 'postgres://r/db' }, '/a')
        .readReplica,
    ).toEqual({ url: 'postgres://r/db', maxLagMs: 10_000 });
  });

  it('is refused with SQLite, with a URL that is not Postgres, and with a schema of its own', () => {
    expect(problemsOf({ APERTURE_DATABASE_READ_URL: 'postgres://r/db' })).toMatch(
      /APERTURE_DATABASE_READ_URL: a read replica needs Postgres: APERTURE_DATABASE_URL is SQLite/,
    );
    expect(
      problemsOf({ APERTURE_DATABASE_URL: 'sqlite:./x.db', APERTURE_DATABASE_READ_URL: 'postgres://r/db' }),
    ).toMatch(/needs Postgres/);
    expect(
      problemsOf({ APERTURE_DATABASE_URL: 'postgres://p/db', APERTURE_DATABASE_READ_URL: 'sqlite:./r.db' }),
    ).toMatch(/APERTURE_DATABASE_READ_URL: must start with postgres:\/\//);
    expect(
      problemsOf({
        APERTURE_DATABASE_URL: 'postgres://p/db?schema=photos',
        APERTURE_DATABASE_READ_URL: 'postgres://r/db?schema=other',
      }),
    ).toMatch(/must not name a schema of its own/);
    expect(
      problemsOf({ APERTURE_DATABASE_URL: 'postgres://p/db', APERTURE_DATABASE_READ_MAX_LAG_SECONDS: '0' }),
    ).toMatch(/APERTURE_DATABASE_READ_MAX_LAG_SECONDS/);
  });
});

describe('URL forms', () => {
  it('parses sqlite and postgres database URLs', () => {
    expect(parseDatabaseUrl('sqlite:./x.db', '/base')).toEqual({ kind: 'sqlite', path: '/base/x.db' });
    expect(parseDatabaseUrl('sqlite:/abs/x.db', '/base')).toEqual({ kind: 'sqlite', path: '/abs/x.db' });
    expect(parseDatabaseUrl('postgresql://h/db', '/')).toEqual({ kind: 'postgres', url: 'postgresql://h/db' });
    expect(() => parseDatabaseUrl('postgres://h/db?schema=Bad-Name', '/')).toThrow(/identifier/);
    expect(() => parseDatabaseUrl('sqlite:', '/')).toThrow(/file path/);
  });

  it('parses file and s3 media URLs; endpoint and path style are optional for AWS', () => {
    expect(parseMediaUrl('file:media', '/base', undefined)).toEqual({ kind: 'disk', root: '/base/media' });
    expect(parseMediaUrl('s3://my-photos', '/', 'ap-south-1')).toEqual({
      kind: 's3',
      bucket: 'my-photos',
      region: 'ap-south-1',
    });
    expect(parseMediaUrl('s3://my-photos', '/', undefined)).toMatchObject({ region: 'us-east-1' });
    expect(() => parseMediaUrl('s3://x', '/', undefined)).toThrow(/bucket/);
    expect(() => parseMediaUrl('s3://ok-bucket?endpoint=minio:9000', '/', undefined)).toThrow(/endpoint/);
    expect(() => parseMediaUrl('s3://ok-bucket?forcePathStyle=yes', '/', undefined)).toThrow(/forcePathStyle/);
  });
});

describe('ensureSecret', () => {
  it('generates a secret once, keeps it private, and reuses it', async () => {
    const dir = path.join(await mkdtemp(path.join(tmpdir(), 'aperture-secret-')), 'data');
    const first = ensureSecret(undefined, dir);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(ensureSecret(undefined, dir)).toBe(first);
    expect((await readFile(path.join(dir, 'secret'), 'utf8')).trim()).toBe(first);
    expect((await stat(path.join(dir, 'secret'))).mode & 0o777).toBe(0o600);
    expect(ensureSecret('y'.repeat(32), dir)).toBe('y'.repeat(32));
  });
});

describe('image work settings', () => {
  it('shares APERTURE_MEDIA_CONCURRENCY between processing and renders, with a render queue of 16 by default', () => {
    expect(loadConfig({}, '/').mediaSettings).toMatchObject({ concurrency: 1, renderQueue: 16 });
    const set = loadConfig({ APERTURE_MEDIA_CONCURRENCY: '3', APERTURE_MEDIA_RENDER_QUEUE: '0' }, '/');
    expect(set.mediaSettings).toMatchObject({ concurrency: 3, renderQueue: 0 });
    for (const bad of ['-1', '2.5', 'many', '1001']) {
      expect(() => loadConfig({ APERTURE_MEDIA_RENDER_QUEUE: bad }, '/'), bad).toThrow(/APERTURE_MEDIA_RENDER_QUEUE/);
    }
  });
});
