import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, loadConfig, type ApertureServer } from '@aperture/server';
import { createClient, type PostView } from '@aperture/sdk';
import { seedDataset, seededToken, SeedRefusedError, type SeedOptions, type SeedSummary } from '../src/seed/index.js';

/**
 * A fresh, unmigrated database per dialect, as `aperture loadgen seed` meets one: a SQLite path in
 * a temp folder, or a new Postgres schema (`?schema=`) when APERTURE_TEST_POSTGRES_URL is set, as
 * the server suite does. `query` reads it back without going through Aperture.
 */
interface Target {
  name: 'sqlite' | 'postgres';
  databaseUrl: string;
  query(sql: string): Promise<Record<string, unknown>[]>;
  cleanup(): Promise<void>;
}

async function sqliteTarget(): Promise<Target> {
  const dir = await mkdtemp(join(tmpdir(), 'aperture-seed-'));
  const file = join(dir, 'aperture.db');
  return {
    name: 'sqlite',
    databaseUrl: `sqlite:${file}`,
    async query(sql) {
      const db = new Database(file, { readonly: true });
      try {
        return db.prepare(sql).all() as Record<string, unknown>[];
      } finally {
        db.close();
      }
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

function postgresTarget(url: string): Target {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const withClient = async <T>(body: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await body(client);
    } finally {
      await client.end();
    }
  };
  return {
    name: 'postgres',
    databaseUrl: `${url}${url.includes('?') ? '&' : '?'}schema=${schema}`,
    query: (sql) =>
      withClient(async (c) => {
        await c.query(`SET search_path TO "${schema}"`);
        return (await c.query<Record<string, unknown>>(sql)).rows;
      }),
    cleanup: () => withClient((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).then(() => undefined)),
  };
}

const postgresUrl = process.env['APERTURE_TEST_POSTGRES_URL']?.trim();
if (!postgresUrl) console.warn('seed.test.ts: APERTURE_TEST_POSTGRES_URL is not set, so only SQLite is seeded.');
const TARGETS: (() => Promise<Target>)[] = [
  sqliteTarget,
  ...(postgresUrl ? [async () => postgresTarget(postgresUrl)] : []),
];

const SEED = 7;
const CELEBRITY_FOLLOWERS = 50;

describe.each(TARGETS)('seedDataset (%#: sqlite, then postgres when configured)', (makeTarget) => {
  let target: Target;
  let summary: SeedSummary;
  let server: ApertureServer | undefined;
  let url: string;
  let dataDir: string;
  const options = (): SeedOptions => ({
    databaseUrl: target.databaseUrl,
    users: 300,
    postsPerUser: 3,
    followDistribution: 'powerlaw',
    followsMin: 5,
    followsMax: 20,
    celebrities: 1,
    celebrityFollowers: CELEBRITY_FOLLOWERS,
    seed: SEED,
  });
  const follows = async () =>
    (await target.query('SELECT follower_id, followee_id FROM follows ORDER BY id')).map(
      (r) => `${String(r['follower_id'])}>${String(r['followee_id'])}`,
    );

  beforeAll(async () => {
    target = await makeTarget();
    summary = await seedDataset(options());
    dataDir = await mkdtemp(join(tmpdir(), 'aperture-seed-server-'));
    server = await createServer(
      loadConfig({
        APERTURE_DATA_DIR: dataDir,
        APERTURE_DATABASE_URL: target.databaseUrl,
        APERTURE_PORT: '0',
        APERTURE_LOG_LEVEL: 'silent',
        // The server must agree with the seed about who is a celebrity (whose posts are pulled).
        APERTURE_CELEBRITY_FOLLOWERS: String(CELEBRITY_FOLLOWERS),
      }),
    );
    url = await server.start();
  });

  afterAll(async () => {
    await server?.stop();
    await target?.cleanup();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('reports the counts that are in the database', async () => {
    const count = async (table: string) => Number((await target.query(`SELECT count(*) AS n FROM ${table}`))[0]?.['n']);
    expect(summary.dialect).toBe(target.name);
    expect(summary.users).toBe(300);
    expect(summary.posts).toBe(900);
    expect(await count('users')).toBe(summary.users);
    expect(await count('posts')).toBe(summary.posts);
    expect(await count('media')).toBe(summary.posts);
    expect(await count('follows')).toBe(summary.follows);
    expect(await count('timeline')).toBe(summary.timeline);
    expect(await count('post_tags')).toBe(summary.postTags);
    expect(summary.follows).toBeGreaterThanOrEqual(300 * 5);
  });

  it('makes the requested celebrity: user 1, above the threshold, its posts unpushed', async () => {
    expect(summary.celebrities).toBeGreaterThanOrEqual(1);
    const [user1] = await target.query('SELECT follower_count FROM users WHERE id = 1');
    expect(Number(user1?.['follower_count'])).toBeGreaterThanOrEqual(CELEBRITY_FOLLOWERS);
    const pushed = await target.query('SELECT DISTINCT pushed FROM posts WHERE author_id = 1');
    expect(pushed.map((r) => Number(r['pushed']))).toEqual([0]);
    const inTimelines = await target.query('SELECT count(*) AS n FROM timeline WHERE author_id = 1');
    expect(Number(inTimelines[0]?.['n'])).toBe(0);
  });

  it('lets the server serve any seeded user’s home feed through the SDK with the seeded token', async () => {
    // A follower of the celebrity: their feed mixes pushed timeline rows with pulled celebrity posts.
    const [row] = await target.query('SELECT min(follower_id) AS id FROM follows WHERE followee_id = 1');
    const viewer = Number(row?.['id']);
    const client = createClient({ url, token: seededToken(SEED, viewer) });
    // Every page, following cursors: the whole feed, to compare with what the database holds.
    const items: PostView[] = [];
    for await (const post of client.feed.home({ limit: 20 })) items.push(post);
    const page = { items };

    const followees = (await target.query(`SELECT followee_id FROM follows WHERE follower_id = ${viewer}`)).map((r) =>
      String(r['followee_id']),
    );
    const authors = [String(viewer), ...followees].join(', ');
    const expected = await target.query(`SELECT id FROM posts WHERE author_id IN (${authors}) ORDER BY id DESC`);
    expect(page.items.map((p) => p.id)).toEqual(expected.map((r) => String(r['id'])));
    expect(page.items.some((p) => p.author.id === '1')).toBe(true);
    expect(page.items[0]?.media[0]?.urls.w640?.webp).toMatch(/\/media\/\d+\/w640\.webp/);
    expect(page.items[0]?.caption).toMatch(/#\w+/);

    const me = createClient({ url, token: seededToken(SEED, 42) });
    const hashtag = await me.feed.hashtag('photography', { limit: 5 });
    expect(hashtag.items.length).toBeGreaterThan(0);
    expect(hashtag.items.every((p) => p.caption.includes('#photography'))).toBe(true);
  });

  it('refuses a database that has users, and with force rebuilds the same follows from the same seed', async () => {
    const before = await follows();
    await expect(seedDataset(options())).rejects.toThrow(SeedRefusedError);
    await expect(seedDataset(options())).rejects.toThrow('already has 300 users');
    const again = await seedDataset({ ...options(), force: true });
    expect(again.follows).toBe(summary.follows);
    expect(await follows()).toEqual(before);
    const other = await seedDataset({ ...options(), seed: SEED + 1, force: true });
    expect(await follows()).not.toEqual(before);
    expect(other.users).toBe(300);
  });
});
