import { writeFile } from 'node:fs/promises';
import type * as Loadgen from '@aperture/loadgen';
import type { LoadModel, RunProgress, ScenarioName, ScenarioOptions } from '@aperture/loadgen';
import type { Command } from 'commander';
import type { ActionFactory } from '../../command-action.js';
import type { CliContext } from '../../context.js';
import { CliError, EXIT, UsageError } from '../../exit-codes.js';
import { positiveInt } from '../shared/arguments.js';
import {
  collect,
  makePhotos,
  makeVideo,
  parseHeader,
  positiveNumber,
  share,
  targetOf,
  targetOptions,
  usage,
  usersOf,
  type LoadTargetOptions,
} from './options.js';

/** The package, imported on first use so that the other commands start without the engine. */
type LoadgenModule = typeof Loadgen;

interface RunCommandOptions extends LoadTargetOptions {
  rate?: number;
  duration: string;
  steps?: string;
  closed?: number;
  path?: string;
  pages?: number;
  pageSize?: number;
  readsPerWrite?: number;
  fanoutSample?: number;
  maxInFlight?: number;
  header: string[];
  token?: string;
  timeout?: string;
  videoShare?: number;
  hashtags?: string;
  threshold: string[];
  /** The global --quiet. */
  quiet?: boolean;
}

/** `aperture loadgen run <scenario>`: one run, its table, thresholds and report. */
export function runCommand(loadgen: Command, action: ActionFactory): void {
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
    .option('--header <header>', "get: send this header with every request, 'Name: value' (repeatable)", collect, [])
    .option('--token <token>', 'get: send Authorization: Bearer <token> with every request')
    .option('--video-share <share>', 'upload: share of uploads that are videos (0-1; default 0)', share)
    .option('--hashtags <n>', "upload, mixed, fanout: hashtags in each new post's caption (0-30; default 0)")
    .option(
      '--timeout <time>',
      'fail a request after this long without a connection, its response headers, or body data (default: undici 10s/300s)',
    )
    .option('--max-in-flight <n>', 'requests waiting at once before starts are dropped (default 2000)', positiveInt)
    .option(
      '--threshold <rule>',
      "fail (exit 99) unless e.g. 'feed.p99<200ms', 'feed.p99_all<500ms', 'errors<1%' (repeatable)",
      collect,
      [],
    )
    .action((scenario: string, options: RunCommandOptions, command: Command) =>
      action<RunCommandOptions>((ctx, opts) =>
        runScenario(ctx, scenario, { ...opts, quiet: command.optsWithGlobals<{ quiet?: boolean }>().quiet === true }),
      )(options, command),
    );
}

/** Runs `scenario` once as the options say, prints its table, writes its report, checks its thresholds. */
async function runScenario(ctx: CliContext, scenario: string, options: RunCommandOptions): Promise<void> {
  const lg = await import('@aperture/loadgen');
  if (!(lg.SCENARIO_NAMES as readonly string[]).includes(scenario)) {
    throw new UsageError(`Unknown scenario "${scenario}": use one of ${lg.SCENARIO_NAMES.join(', ')}.`);
  }
  const name = scenario as ScenarioName;
  const hashtagsPerPost = hashtagsOf(name, options.hashtags, lg);
  const thresholds = options.threshold.map((text) => usage('--threshold', () => lg.parseThreshold(text)));
  const model = loadModel(options, lg);
  const headers = requestHeaders(name, options);
  const timeoutMs =
    options.timeout === undefined ? undefined : usage('--timeout', () => lg.parseDuration(options.timeout!)) * 1000;
  if (options.videoShare !== undefined && name !== 'upload') {
    throw new UsageError('--video-share applies to the upload scenario.');
  }
  const users = await usersOf(options, name !== 'get');
  const { target, targets } = targetOf(ctx, options);
  const photos = lg.NEEDS_PHOTOS.has(name)
    ? await makePhotos(ctx, options.largeShare ?? lg.DEFAULT_LARGE_SHARE)
    : undefined;
  const videoShare = options.videoShare ?? 0;
  const video = videoShare > 0 ? await makeVideo(ctx, videoShare).catch(cleanUp(photos)) : undefined;
  const scenarioOptions: ScenarioOptions = {
    target,
    targets,
    users,
    path: options.path,
    headers,
    timeoutMs,
    videos: video?.video,
    feedPages: options.pages,
    pageSize: options.pageSize,
    photos: photos?.photos,
    readsPerWrite: options.readsPerWrite,
    fanoutSample: options.fanoutSample,
    hashtagsPerPost,
  };
  ctx.out.info(`Running ${name} against ${(targets ?? [target]).join(', ')}…`);
  const progress = progressWriter(ctx, options.quiet === true, lg.progressLine);
  let result;
  try {
    result = await lg.runLoad({
      scenario: name,
      options: scenarioOptions,
      model,
      workers: options.workers,
      maxInFlight: options.maxInFlight,
      onProgress: progress.update,
    });
  } finally {
    progress.end();
    await photos?.cleanup();
    await video?.cleanup();
  }
  const verdicts = lg.evaluateThresholds(thresholds, result);
  if (options.report !== undefined) {
    const html = lg.renderReport({
      title: `aperture loadgen run ${name}`,
      runs: [result],
      verdicts: verdicts.map((v) => ({ label: v.threshold, passed: v.passed, message: v.message })),
    });
    await writeFile(options.report, html);
    ctx.out.info(`Report: ${options.report}`);
  }
  ctx.out.data(lg.formatResult(result, verdicts), { ...result, thresholds: verdicts });
  const failed = verdicts.filter((v) => !v.passed);
  if (failed.length > 0) {
    throw new CliError(
      `${failed.length} of ${verdicts.length} thresholds failed: ${failed.map((v) => v.threshold).join(', ')}`,
      EXIT.THRESHOLD_FAILED,
    );
  }
}

/** `--hashtags`, checked by the load generator's own rule (the server's limit per post). */
function hashtagsOf(name: ScenarioName, raw: string | undefined, lg: LoadgenModule): number | undefined {
  if (raw === undefined) return undefined;
  if (!lg.NEEDS_PHOTOS.has(name)) {
    throw new UsageError('--hashtags applies to the scenarios that post: upload, mixed and fanout.');
  }
  return usage('--hashtags', () => lg.checkHashtagsPerPost(raw.trim() === '' ? Number.NaN : Number(raw)));
}

/** Deletes the photos made so far when a later step of the setup fails, and rethrows its error. */
function cleanUp(made: { cleanup: () => Promise<void> } | undefined) {
  return async (error: unknown): Promise<never> => {
    await made?.cleanup();
    throw error;
  };
}

/** `--header` and `--token` as the `get` scenario's headers; the other scenarios act as users and take neither. */
function requestHeaders(name: ScenarioName, options: RunCommandOptions): Record<string, string> | undefined {
  if (options.header.length === 0 && options.token === undefined) return undefined;
  if (name !== 'get') {
    throw new UsageError('--header and --token apply to the get scenario; the others act as --users or --tokens-file.');
  }
  const headers = Object.fromEntries(options.header.map(parseHeader));
  if (options.token !== undefined) {
    if (options.token.trim() === '' || /[\s]/.test(options.token))
      throw new UsageError('--token: expected a token without spaces.');
    headers['authorization'] = `Bearer ${options.token}`;
  }
  return headers;
}

function loadModel(options: RunCommandOptions, lg: LoadgenModule): LoadModel {
  const seconds = usage('--duration', () => lg.parseDuration(options.duration));
  if (options.closed !== undefined) {
    if (options.rate !== undefined || options.steps !== undefined) {
      throw new UsageError('--closed runs users back to back: it takes no --rate or --steps.');
    }
    return { kind: 'closed', users: options.closed, seconds };
  }
  if (options.steps !== undefined) {
    if (options.rate !== undefined) throw new UsageError('Pass --rate or --steps, not both.');
    return { kind: 'open', stages: usage('--steps', () => lg.parseSteps(options.steps!)) };
  }
  if (options.rate === undefined)
    throw new UsageError('Say how much load: --rate N (per second), --steps or --closed N.');
  return { kind: 'open', stages: [{ rate: options.rate, seconds }] };
}

/**
 * The live line on stderr: redrawn in place on a terminal; elsewhere (CI logs) a plain line
 * every 5 s so the log stays readable. Nothing with --quiet or --json.
 */
function progressWriter(
  ctx: CliContext,
  quiet: boolean,
  format: (p: RunProgress) => string,
): { update: (p: RunProgress) => void; end: () => void } {
  const stream = ctx.io.stderr as NodeJS.WriteStream;
  const silent = quiet || ctx.out.json;
  let drawn = false;
  let ticks = 0;
  return {
    update: (p) => {
      if (silent) return;
      if (stream.isTTY) {
        stream.write(`\r\x1b[2K${format(p)}`);
        drawn = true;
      } else if (++ticks % 5 === 0) {
        stream.write(`${format(p)}\n`);
      }
    },
    end: () => {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}
