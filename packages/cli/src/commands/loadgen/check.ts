import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { ActionFactory } from '../../command-action.js';
import type { CliContext } from '../../context.js';
import { UsageError } from '../../exit-codes.js';
import {
  collect,
  makePhotos,
  makeVideo,
  share,
  nonNegativeInt,
  positiveNumber,
  targetOf,
  targetOptions,
  usage,
  usersOf,
  type LoadTargetOptions,
} from './options.js';

interface CheckCommandOptions extends LoadTargetOptions {
  scenario: string[];
  stepDuration: string;
  feedStart: number;
  feedMax: number;
  uploadStart: number;
  uploadMax: number;
  refinements: number;
  maxStepDuration: string;
  videoShare?: number;
  metricsUrl?: string;
  metricsToken?: string;
}

/** `aperture loadgen check`: sustainable feed and upload rates against the scenarios' targets. */
export function checkCommand(loadgen: Command, action: ActionFactory): void {
  targetOptions(
    loadgen
      .command('check')
      .description("find this deployment's sustainable feed and upload rates and compare them with the notes"),
  )
    .option(
      '--scenario <id>',
      'instagram-hashtags-2m-posts, instagram-500m-dau, photo-app-1m-dau, instagram-50m-dau or all (repeatable; default all)',
      collect,
      [],
    )
    .option('--step-duration <time>', 'shortest measured step (longer at low rates, for 200 samples)', '5s')
    .option(
      '--max-step-duration <time>',
      'longest a step may run for its 200 samples; a step cut short is inconclusive',
      '10m',
    )
    .option('--feed-start <n>', 'first feed rate tried, visits per second', positiveNumber, 10)
    .option('--feed-max <n>', 'highest feed rate tried, visits per second', positiveNumber, 5000)
    .option('--upload-start <n>', 'first upload rate tried, per second', positiveNumber, 2)
    .option('--upload-max <n>', 'highest upload rate tried', positiveNumber, 100)
    .option('--refinements <n>', 'bisection steps after the first failing rate', nonNegativeInt, 3)
    .option(
      '--video-share <share>',
      "share of uploads sent as videos in every scenario (default: each plan's, instagram-50m-dau 1/6, the others 0)",
      share,
    )
    .option(
      '--metrics-url <url>',
      "where the server's CPU is read (default <target>/metrics; env APERTURE_METRICS_URL)",
    )
    .option('--metrics-token <token>', "the server's APERTURE_METRICS_TOKEN, sent to read its metrics (env too)")
    .action(action<CheckCommandOptions>((ctx, options) => checkDeployment(ctx, options)));
}

/**
 * Where the server's CPU is read: flags first, then the environment (a token is better kept out of
 * the shell history). The server serves /metrics only with its token or on its metrics port.
 */
function metricsOf(ctx: CliContext, options: CheckCommandOptions): { url?: string; token?: string } {
  const env = (name: string) => {
    const value = ctx.io.env[name];
    return value === undefined || value === '' ? undefined : value;
  };
  const url = options.metricsUrl ?? env('APERTURE_METRICS_URL');
  if (url !== undefined && !/^https?:\/\//.test(url)) throw new UsageError('--metrics-url: expected an http(s) URL.');
  const token = options.metricsToken ?? env('APERTURE_METRICS_TOKEN');
  return { ...(url === undefined ? {} : { url }), ...(token === undefined ? {} : { token }) };
}

/** Finds the sustainable rates of each scenario asked for and prints them beside the notes' targets. */
async function checkDeployment(ctx: CliContext, options: CheckCommandOptions): Promise<void> {
  const lg = await import('@aperture/loadgen');
  const asked = options.scenario.length === 0 || options.scenario.includes('all') ? lg.SCENARIO_IDS : options.scenario;
  const found = asked.map((id) => usage('--scenario', () => lg.lookupScenario(id)));
  for (const f of found) {
    const warning = lg.deprecationWarning(f);
    if (warning !== null) ctx.out.error(warning);
  }
  const scenarios = found.map((f) => f.scenario);
  const ids = scenarios.map((s) => s.id);
  const users = await usersOf(options, true);
  if (!users) throw new UsageError('check needs users: --users N (and --seed N) or --tokens-file <file>.');
  const stepSeconds = usage('--step-duration', () => lg.parseDuration(options.stepDuration));
  const maxStepSeconds = usage('--max-step-duration', () => lg.parseDuration(options.maxStepDuration));
  const { target, targets } = targetOf(ctx, options);
  const metrics = metricsOf(ctx, options);
  // Each scenario's uploads weigh what its note's photos do, unless --large-share says otherwise.
  const shares = scenarios.map((s) => options.largeShare ?? lg.largeShareFor(s.assumptions.photoKB));
  const photos = await makePhotos(ctx, Math.max(...shares));
  // The clip is made only when some scenario's upload steps will send videos.
  const wantsVideo =
    options.videoShare === undefined ? scenarios.some((s) => lg.plan(s).videoShare > 0) : options.videoShare > 0;
  let video;
  try {
    video = wantsVideo ? await makeVideo(ctx, 0) : undefined;
  } catch (error) {
    await photos.cleanup();
    throw error;
  }
  ctx.out.info(
    `Checking ${(targets ?? [target]).join(', ')} for ${ids.join(', ')}: steps of ${stepSeconds} s or more ` +
      `(up to ${maxStepSeconds} s, for ${lg.MIN_SAMPLES} samples each)…`,
  );
  let result;
  try {
    result = await lg.checkDeployment({
      scenarios,
      target,
      targets,
      users,
      photos: photos.photos,
      largeShare: options.largeShare,
      video: video?.video,
      videoShare: options.videoShare,
      workers: options.workers,
      stepSeconds,
      feedRates: { start: options.feedStart, max: options.feedMax },
      uploadRates: { start: options.uploadStart, max: options.uploadMax },
      refinements: options.refinements,
      maxStepSeconds,
      metrics,
      onStep: (step) => ctx.out.info(lg.formatStep(step)),
    });
  } finally {
    await photos.cleanup();
    await video?.cleanup();
  }
  if (options.report !== undefined) {
    // The highest passing step of each kind shows what "sustainable" looked like.
    const best = (kind: 'feed' | 'upload') =>
      result.steps
        .filter((s) => s.kind === kind)
        .sort((a, b) => b.rate - a.rate)
        .find((s) => result.verdicts.some((v) => s.rate <= (v[kind]?.stepRatePerSec ?? 0)));
    const runs = [best('feed'), best('upload')].flatMap((s) => (s ? [s.run] : []));
    const html = lg.renderReport({
      title: `aperture loadgen check ${ids.join(', ')}`,
      runs,
      verdicts: lg.checkVerdicts(result),
      notes: [
        result.scalingAssumption,
        ...result.verdicts.map((v) => `${v.id} ${lg.mediaLine(v.media)}`),
        ...result.steps.map((s) => lg.formatStep(s)),
      ],
    });
    await writeFile(options.report, html);
    ctx.out.info(`Report: ${options.report}`);
  }
  ctx.out.data(lg.formatCheck(result), lg.checkJson(result));
}
