import { writeFile } from 'node:fs/promises';
import type { CliContext } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { makePhotos, targetOf, usage, usersOf, type LoadTargetOptions } from './loadgen-options.js';

export interface CheckCommandOptions extends LoadTargetOptions {
  scenario: string[];
  stepDuration: string;
  feedStart: number;
  feedMax: number;
  uploadStart: number;
  uploadMax: number;
  refinements: number;
  minUploads: number;
  metricsUrl?: string;
  metricsToken?: string;
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

/** `aperture loadgen check`: sustainable feed and upload rates against the scenarios' targets. */
export async function checkCommand(ctx: CliContext, options: CheckCommandOptions): Promise<void> {
  const lg = await import('@aperture/loadgen');
  const ids = options.scenario.length === 0 || options.scenario.includes('all') ? lg.SCENARIO_IDS : options.scenario;
  const scenarios = ids.map((id) => usage('--scenario', () => lg.findScenario(id)));
  const users = await usersOf(options, true);
  if (!users) throw new UsageError('check needs users: --users N (and --seed N) or --tokens-file <file>.');
  const stepSeconds = usage('--step-duration', () => lg.parseDuration(options.stepDuration));
  const target = targetOf(ctx, options);
  const metrics = metricsOf(ctx, options);
  const photos = await makePhotos(ctx, options.largeShare);
  ctx.out.info(`Checking ${target} for ${ids.join(', ')}: ${stepSeconds} s per step…`);
  let result;
  try {
    result = await lg.checkDeployment({
      scenarios,
      target,
      users,
      photos: photos.photos,
      workers: options.workers,
      stepSeconds,
      feedRates: { start: options.feedStart, max: options.feedMax },
      uploadRates: { start: options.uploadStart, max: options.uploadMax },
      refinements: options.refinements,
      minUploadsPerStep: options.minUploads,
      metrics,
      onStep: (step) => ctx.out.info(lg.formatStep(step)),
    });
  } finally {
    await photos.cleanup();
  }
  if (options.report !== undefined) {
    // The highest passing step of each kind shows what "sustainable" looked like.
    const best = (kind: 'feed' | 'upload') =>
      result.steps
        .filter((s) => s.kind === kind)
        .sort((a, b) => b.rate - a.rate)
        .find((s) => result.verdicts.some((v) => s.rate <= v[kind].sustainablePerSec));
    const runs = [best('feed'), best('upload')].flatMap((s) => (s ? [s.run] : []));
    const html = lg.renderReport({
      title: `aperture loadgen check ${ids.join(', ')}`,
      runs,
      verdicts: lg.checkVerdicts(result),
      notes: [result.scalingAssumption, ...result.steps.map((s) => lg.formatStep(s))],
    });
    await writeFile(options.report, html);
    ctx.out.info(`Report: ${options.report}`);
  }
  ctx.out.data(lg.formatCheck(result), lg.checkJson(result));
}
