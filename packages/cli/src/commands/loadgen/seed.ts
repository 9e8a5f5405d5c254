import { Option, type Command } from 'commander';
import type { ActionFactory } from '../../command-action.js';
import { CliError, UsageError } from '../../exit-codes.js';
import { positiveInt } from '../shared/arguments.js';
import { nonNegativeInt } from './options.js';

interface SeedCommandOptions {
  database: string;
  users: number;
  postsPerUser: number;
  followDistribution: 'powerlaw' | 'uniform';
  followsMin: number;
  followsMax: number;
  celebrities: number;
  celebrityFollowers?: number;
  timelineCap?: number;
  seed: number;
  force?: boolean;
}

/** `aperture loadgen seed`: a reproducible dataset written straight into a database. */
export function seedCommand(loadgen: Command, action: ActionFactory): void {
  loadgen
    .command('seed')
    .description('build a reproducible dataset straight into a database (never a production one)')
    .requiredOption('--database <url>', 'sqlite:<path> or postgres://… (as APERTURE_DATABASE_URL)')
    .requiredOption('--users <n>', 'users to create', positiveInt)
    .option('--posts-per-user <n>', 'posts each user has', nonNegativeInt, 10)
    .addOption(
      new Option('--follow-distribution <kind>', 'who follows whom')
        .choices(['powerlaw', 'uniform'])
        .default('powerlaw'),
    )
    .option('--follows-min <n>', 'fewest accounts a user follows', nonNegativeInt, 50)
    .option('--follows-max <n>', 'most accounts a user follows', nonNegativeInt, 200)
    .option('--celebrities <n>', 'make users 1..N celebrities (posts pulled, not pushed)', nonNegativeInt, 0)
    .option('--celebrity-followers <n>', "the server's APERTURE_CELEBRITY_FOLLOWERS", positiveInt)
    .option('--timeline-cap <n>', "the server's APERTURE_TIMELINE_CAP", positiveInt)
    .option('--seed <n>', 'the same seed makes the same dataset and session tokens', nonNegativeInt, 1)
    .option('--force', 'empty a database that has users, then seed')
    .action(
      action<SeedCommandOptions>(async (ctx, options) => {
        const lg = await import('@aperture/loadgen');
        let summary;
        try {
          summary = await lg.seedDataset({
            databaseUrl: options.database,
            users: options.users,
            postsPerUser: options.postsPerUser,
            followDistribution: options.followDistribution,
            followsMin: options.followsMin,
            followsMax: options.followsMax,
            celebrities: options.celebrities,
            ...(options.celebrityFollowers === undefined ? {} : { celebrityFollowers: options.celebrityFollowers }),
            ...(options.timelineCap === undefined ? {} : { timelineCap: options.timelineCap }),
            seed: options.seed,
            force: options.force === true,
            onProgress: (message) => ctx.out.info(message),
          });
        } catch (error) {
          if (error instanceof lg.SeedOptionsError) throw new UsageError(error.message);
          if (error instanceof Error && error.name === 'SeedRefusedError') throw new CliError(error.message);
          throw error;
        }
        ctx.out.data(
          `Seeded ${summary.users} users, ${summary.follows} follows, ${summary.posts} posts in ${summary.seconds.toFixed(1)} s ` +
            `(${summary.dialect}). Load it with: aperture loadgen run feed --users ${summary.users} --seed ${options.seed}`,
          summary,
        );
      }),
    );
}
