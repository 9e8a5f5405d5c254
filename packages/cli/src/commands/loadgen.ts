import type { Command } from 'commander';
import { Option } from 'commander';
import type { ActionFactory } from '../program.js';
import { CliError, UsageError } from '../exit-codes.js';
import { checkCommand, type CheckCommandOptions } from './loadgen-check.js';
import { nonNegativeInt, positiveNumber, share } from './loadgen-options.js';
import { runCommand, type RunCommandOptions } from './loadgen-run.js';
import { positiveInt } from './social-format.js';
// The light plan module only (no engine, no database drivers): its flags are needed to build the help.
import { OVERRIDE_FLAGS } from '@aperture/loadgen/plan';

const collect = (value: string, previous: string[]) => [...previous, value];

/** Options for where load goes and as whom, shared by `run` and `check`. */
function targetOptions(command: Command): Command {
  return command
    .option('--target <url>', 'the Aperture to load (default: --server, else http://127.0.0.1:4000)')
    .option('--users <n>', 'act as users 1..N of a dataset made by `aperture loadgen seed`', positiveInt)
    .option('--seed <n>', 'the seed number that dataset was made with', nonNegativeInt, 1)
    .option('--tokens-file <file>', 'act as the sessions in this file instead (one token per line)')
    .option('--workers <n>', 'worker threads sending load (default: cores - 1, at least 1)', positiveInt)
    .option('--large-share <share>', 'share of uploads made from 12 MP photos, the rest ~200 KB 1080 px', share, 0.1)
    .option('--report <file.html>', 'also write a self-contained HTML report with charts');
}

export function loadgenCommand(program: Command, action: ActionFactory): void {
  const loadgen = program
    .command('loadgen')
    .description('measure a deployment with open-model load, and check it against the design notes');

  targetOptions(
    loadgen
      .command('run')
      .description('send a scenario at a fixed or stepped arrival rate and report latency percentiles')
      .argument('<scenario>', 'feed, upload, mixed, fanout or get'),
  )
    .option('--rate <n>', 'requests (scenario iterations) started per second', positiveNumber)
    .option('--duration <time>', 'how long to send at --rate (30s, 2m…)', '30s')
    .option('--steps <list>', "stepped rates instead of --rate: 'rate:duration,…' e.g. '100:10s,200:10s'")
    .option('--closed <users>', 'closed loop instead: N users back to back (under-reports queueing)', positiveInt)
    .option('--path <path>', 'get: the path to request', '/healthz')
    .option('--pages <n>', 'feed, mixed: pages per feed visit, following nextCursor', positiveInt)
    .option('--page-size <n>', 'feed, mixed: posts per page', positiveInt)
    .option('--reads-per-write <n>', 'mixed: feed visits per write (default 100)', positiveInt)
    .option('--fanout-sample <n>', 'fanout: followers whose feeds are polled per post (default 5)', positiveInt)
    .option('--max-in-flight <n>', 'requests waiting at once before starts are dropped (default 2000)', positiveInt)
    .option('--threshold <rule>', "fail (exit 99) unless e.g. 'feed.p99<200ms', 'errors<1%' (repeatable)", collect, [])
    .action((scenario: string, options: RunCommandOptions, command: Command) =>
      action<RunCommandOptions>((ctx, opts) =>
        runCommand(ctx, scenario, { ...opts, quiet: command.optsWithGlobals<{ quiet?: boolean }>().quiet === true }),
      )(options, command),
    );

  targetOptions(
    loadgen
      .command('check')
      .description("find this deployment's sustainable feed and upload rates and compare them with the notes"),
  )
    .option('--scenario <id>', 'seed-001, seed-002, seed-003 or all (repeatable; default all)', collect, [])
    .option('--step-duration <time>', 'how long each measured rate runs', '5s')
    .option('--feed-start <n>', 'first feed rate tried, per second', positiveNumber, 10)
    .option('--feed-max <n>', 'highest feed rate tried', positiveNumber, 5000)
    .option('--upload-start <n>', 'first upload rate tried, per second', positiveNumber, 0.5)
    .option('--upload-max <n>', 'highest upload rate tried', positiveNumber, 100)
    .option('--refinements <n>', 'bisection steps after the first failing rate', nonNegativeInt, 3)
    .option('--min-uploads <n>', 'an upload step lasts until this many uploads are due', positiveInt, 10)
    .option(
      '--metrics-url <url>',
      "where the server's CPU is read (default <target>/metrics; env APERTURE_METRICS_URL)",
    )
    .option('--metrics-token <token>', "the server's APERTURE_METRICS_TOKEN, sent to read its metrics (env too)")
    .action(action<CheckCommandOptions>((ctx, options) => checkCommand(ctx, options)));

  const plan = loadgen
    .command('plan')
    .description("re-derive a design note's figures (rates, storage, bandwidth) from its assumptions")
    .requiredOption('--scenario <id>', 'seed-001, seed-002 or seed-003');
  // The override flags come from the plan module, so a new assumption needs no CLI change.
  for (const flag of OVERRIDE_FLAGS) plan.option(`--${flag.flag} <value>`, `override: ${flag.description}`);
  plan.action(
    action<{ scenario: string } & Record<string, unknown>>(async (ctx, options) => {
      const lg = await import('@aperture/loadgen');
      const scenario = usageOf(() => lg.findScenario(options.scenario));
      const overrides = usageOf(() => lg.parseOverrides(options));
      const result = lg.plan(scenario, overrides);
      ctx.out.data(lg.formatPlan(result), result);
    }),
  );

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

function usageOf<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
