import { ConfigError, loadConfig, migrate, type Config } from '@aperture/server';
import { buildFollowGraph, checkGraphOptions, SeedOptionsError, type FollowDistribution } from './graph.js';
import { openPostgresWriter } from './postgres-writer.js';
import { mulberry32 } from './random.js';
import { datasetChunks, type TableName } from './rows.js';
import { openSqliteWriter } from './sqlite-writer.js';
import type { SeedWriter } from './writer.js';

export { seededToken } from './token.js';
export { SeedOptionsError, type FollowDistribution } from './graph.js';
export { TAGS } from './rows.js';

/** The server's defaults (DEFAULT_FEED_SETTINGS): the seed must agree with the server that reads it. */
export const DEFAULT_CELEBRITY_FOLLOWERS = 10_000;
export const DEFAULT_TIMELINE_CAP = 800;

export interface SeedOptions {
  /** `sqlite:<path>` or `postgres://…[?schema=name]`, as APERTURE_DATABASE_URL. Migrated first. */
  databaseUrl: string;
  users: number;
  postsPerUser: number;
  followDistribution: FollowDistribution;
  followsMin: number;
  followsMax: number;
  /** Force users 1..N above the celebrity threshold (their posts are pulled, not pushed). */
  celebrities?: number;
  /** The server's APERTURE_CELEBRITY_FOLLOWERS (default 10,000). */
  celebrityFollowers?: number;
  /** The server's APERTURE_TIMELINE_CAP (default 800). */
  timelineCap?: number;
  /** Reproducibility: the same seed gives the same graph, posts, captions and tokens. */
  seed: number;
  /** Empty a database that already has users, then seed. Without it such a database is refused. */
  force?: boolean;
  onProgress?: (message: string) => void;
  /** The time the dataset is built around (posts spread over the week before it). Default: now. */
  now?: Date;
}

export interface SeedSummary {
  dialect: 'sqlite' | 'postgres';
  users: number;
  follows: number;
  posts: number;
  timeline: number;
  tags: number;
  postTags: number;
  /** Users at or above the celebrity threshold: their posts are left for readers to pull. */
  celebrities: number;
  /** Wall-clock seconds, migration included. */
  seconds: number;
}

export class SeedRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeedRefusedError';
  }
}

/** The server's own reading of the URL (sqlite: paths, ?schema=), so the seed lands where the server looks. */
function serverConfig(url: string): Config {
  try {
    return loadConfig({ APERTURE_DATABASE_URL: url, APERTURE_LOG_LEVEL: 'silent' });
  } catch (error) {
    if (error instanceof ConfigError) {
      const why = error.problems.map((p) => p.replace(/^APERTURE_DATABASE_URL: /, '')).join('; ');
      throw new SeedOptionsError(`--database ${url}: ${why}.`);
    }
    throw error;
  }
}

function checkCounts(o: SeedOptions): void {
  const integer = (name: string, value: number, min: number) => {
    if (!Number.isInteger(value) || value < min)
      throw new SeedOptionsError(`--${name} must be an integer of at least ${min}.`);
  };
  integer('posts-per-user', o.postsPerUser, 0);
  integer('seed', o.seed, 0);
  integer('celebrity-followers', o.celebrityFollowers ?? DEFAULT_CELEBRITY_FOLLOWERS, 1);
  integer('timeline-cap', o.timelineCap ?? DEFAULT_TIMELINE_CAP, 1);
  if (o.followDistribution !== 'powerlaw' && o.followDistribution !== 'uniform') {
    throw new SeedOptionsError(
      `--follow-distribution must be powerlaw or uniform, not "${String(o.followDistribution)}".`,
    );
  }
}

/**
 * Builds a reproducible dataset straight into an Aperture database: migrates it, then writes
 * users (each with a session for `seededToken(seed, id)`), a follow graph, posts with hashtags and
 * ready media, and the timelines fan-out would have left. Never point it at a production database.
 *
 * @example
 * const summary = await seedDataset({ databaseUrl: 'sqlite:./data/aperture.db', users: 100_000,
 *   postsPerUser: 10, followDistribution: 'powerlaw', followsMin: 50, followsMax: 200, seed: 1 });
 */
export async function seedDataset(o: SeedOptions): Promise<SeedSummary> {
  const started = performance.now();
  const progress = o.onProgress ?? (() => undefined);
  const graphOptions = {
    users: o.users,
    followsMin: o.followsMin,
    followsMax: o.followsMax,
    distribution: o.followDistribution,
    celebrities: o.celebrities ?? 0,
    celebrityFollowers: o.celebrityFollowers ?? DEFAULT_CELEBRITY_FOLLOWERS,
  };
  checkGraphOptions(graphOptions);
  checkCounts(o);
  const config = serverConfig(o.databaseUrl);
  const { database } = config;

  progress(`migrating ${database.kind === 'sqlite' ? database.path : 'the Postgres database'}`);
  await migrate(config);
  const writer: SeedWriter =
    database.kind === 'sqlite'
      ? openSqliteWriter(database.path)
      : await openPostgresWriter(database.url, database.schema);
  try {
    const existing = await writer.countUsers();
    if (existing > 0 && !o.force) {
      throw new SeedRefusedError(
        `The database already has ${existing} users. Seeding is for empty, throwaway databases; ` +
          'pass --force to delete everything in it and seed anew.',
      );
    }
    if (existing > 0) {
      progress(`--force: emptying a database with ${existing} users`);
      await writer.clear();
    }

    progress(`building a ${o.followDistribution} follow graph of ${o.users} users`);
    const graph = buildFollowGraph(graphOptions, mulberry32(o.seed));
    const written = new Map<TableName, number>();
    let lastReport = performance.now();
    const chunks = datasetChunks({
      users: o.users,
      postsPerUser: o.postsPerUser,
      seed: o.seed,
      graph,
      celebrityFollowers: graphOptions.celebrityFollowers,
      timelineCap: o.timelineCap ?? DEFAULT_TIMELINE_CAP,
      now: o.now ?? new Date(),
    });
    for (const batches of chunks) {
      await writer.write(batches);
      for (const b of batches) written.set(b.table, (written.get(b.table) ?? 0) + b.rows.length);
      if (performance.now() - lastReport > 1_000) {
        lastReport = performance.now();
        progress(`${[...written].map(([table, n]) => `${table} ${n}`).join(', ')}`);
      }
    }
    progress('analyzing');
    await writer.finish();
    const count = (table: TableName) => written.get(table) ?? 0;
    let celebrities = 0;
    for (let u = 1; u <= o.users; u++)
      if ((graph.followerCount[u] ?? 0) >= graphOptions.celebrityFollowers) celebrities++;
    return {
      dialect: writer.dialect,
      users: count('users'),
      follows: count('follows'),
      posts: count('posts'),
      timeline: count('timeline'),
      tags: count('tags'),
      postTags: count('post_tags'),
      celebrities,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await writer.close();
  }
}
