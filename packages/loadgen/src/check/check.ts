import { availableParallelism, loadavg } from 'node:os';
import { runLoad } from '../engine/run-load.js';
import type { RunResult } from '../engine/merge.js';
import { plan } from '../plan/plan.js';
import type { Scenario, ScenarioId } from '../plan/scenarios.js';
import type { PhotoSet, UsersSpec } from '../scenarios/options.js';
import { findSustainableRate, type StepOutcome } from './search.js';
import { metricsSource, readServerCpuSeconds } from './server-cpu.js';
import { describeTargets } from '../scenarios/targets.js';

export type Saturation =
  | 'server CPU'
  | 'load generator CPU'
  | "this machine's CPU (other processes)"
  | 'latency target before CPU saturation'
  | 'not reached';

export interface MeasuredStep {
  kind: 'feed' | 'upload';
  rate: number;
  p99: number;
  errorRate: number;
  late: number;
  dropped: number;
  /** Server CPU in cores (CPU seconds per second) during the step, null when its metrics were not readable. */
  serverCores: number | null;
  /** This process's CPU in cores during the step (main thread and workers). */
  loadgenCores: number;
  /** This machine's 1-minute load average per core at the end of the step. */
  machineLoad: number;
  run: RunResult;
}

export interface RateVerdict {
  targetP99Ms: number;
  requiredPeakPerSec: number;
  sustainablePerSec: number;
  met: boolean;
  /** Nodes like the measured one needed for the peak, assuming linear scaling; null if none sustained. */
  nodes: number | null;
  saturated: Saturation;
}

export interface ScenarioVerdict {
  id: ScenarioId;
  title: string;
  feed: RateVerdict;
  upload: RateVerdict;
}

export interface CheckResult {
  target: string;
  stepSeconds: number;
  steps: MeasuredStep[];
  verdicts: ScenarioVerdict[];
  scalingAssumption: string;
}

export interface CheckOptions {
  scenarios: Scenario[];
  target: string;
  /** Several api processes without a load balancer: every base URL, `target` first (see `ScenarioOptions`). */
  targets?: string[] | undefined;
  users: UsersSpec;
  photos: PhotoSet;
  workers?: number | undefined;
  stepSeconds: number;
  feedRates: { start: number; max: number };
  uploadRates: { start: number; max: number };
  refinements: number;
  /**
   * An upload step lasts until this many uploads are due at least (default 10), so that the
   * share of 12 MP photos is in every step and its p99 is not a matter of one sample.
   */
  minUploadsPerStep?: number | undefined;
  /**
   * Where the server's CPU is read: `<target>/metrics` by default (with several targets, the
   * first one's: one process of the deployment). The server serves it only with
   * a token (its APERTURE_METRICS_TOKEN) or on a separate listener (its APERTURE_METRICS_PORT).
   */
  metrics?: { url?: string | undefined; token?: string | undefined } | undefined;
  onStep?: ((step: MeasuredStep) => void) | undefined;
}

export const SCALING_ASSUMPTION =
  'nodes = ceil(required peak / sustainable rate of this deployment): assumes throughput grows linearly with ' +
  'identical API nodes behind a load balancer, and that the shared database and media store keep up.';

/** Late starts that, at 5% or more of a step's starts, mean the generator fell behind. */
const MANY_LATE = 20;

/** Most errors a step may have and still count as sustained. */
const MAX_ERROR_RATE = 0.01;

/**
 * Measures the highest feed and upload arrival rates this deployment sustains under each
 * scenario's p99 targets, then compares them with the peaks the scenarios' plans require.
 */
export async function checkDeployment(options: CheckOptions): Promise<CheckResult> {
  const steps: MeasuredStep[] = [];
  const measured = new Map<string, MeasuredStep>();
  // A step's numbers do not depend on the target it is judged against: scenarios with different
  // targets share the steps they both need.
  const measure = async (kind: 'feed' | 'upload', rate: number): Promise<MeasuredStep> => {
    const key = `${kind}:${rate}`;
    const known = measured.get(key);
    if (known) return known;
    const step = await runStep(options, kind, rate);
    measured.set(key, step);
    steps.push(step);
    options.onStep?.(step);
    return step;
  };
  const searches = new Map<string, { sustainable: number; limiting: MeasuredStep | undefined }>();
  const search = async (kind: 'feed' | 'upload', targetP99Ms: number) => {
    const key = `${kind}:${targetP99Ms}`;
    const known = searches.get(key);
    if (known) return known;
    const rates = kind === 'feed' ? options.feedRates : options.uploadRates;
    const outcome = await findSustainableRate(
      async (rate): Promise<StepOutcome> => ({ rate, ok: passes(await measure(kind, rate), targetP99Ms) }),
      { start: rates.start, max: rates.max, min: rates.start / 16, refinements: options.refinements },
    );
    const limiting = outcome.firstFailing === null ? undefined : measured.get(`${kind}:${outcome.firstFailing}`);
    const found = { sustainable: outcome.sustainable, limiting };
    searches.set(key, found);
    return found;
  };

  // A cold server (empty caches, unoptimised code) fails the first step for reasons a warm one
  // would not have: one unmeasured step of each kind first.
  for (const kind of ['feed', 'upload'] as const) {
    const rates = kind === 'feed' ? options.feedRates : options.uploadRates;
    await runStep(options, kind, rates.start);
  }

  const verdicts: ScenarioVerdict[] = [];
  for (const scenario of options.scenarios) {
    const required = plan(scenario);
    const feed = await search('feed', scenario.targets.feedP99Ms);
    const upload = await search('upload', scenario.targets.uploadP99Ms);
    verdicts.push({
      id: scenario.id,
      title: scenario.title,
      feed: verdict(scenario.targets.feedP99Ms, required.peakFeedReadsPerSec, feed.sustainable, feed.limiting, options),
      upload: verdict(
        scenario.targets.uploadP99Ms,
        required.peakUploadsPerSec,
        upload.sustainable,
        upload.limiting,
        options,
      ),
    });
  }
  return {
    target: describeTargets(options),
    stepSeconds: options.stepSeconds,
    steps,
    verdicts,
    scalingAssumption: SCALING_ASSUMPTION,
  };
}

function passes(step: MeasuredStep, targetP99Ms: number): boolean {
  return (
    step.run.counts.completed > 0 && step.p99 < targetP99Ms && step.errorRate < MAX_ERROR_RATE && step.dropped === 0
  );
}

async function runStep(options: CheckOptions, kind: 'feed' | 'upload', rate: number): Promise<MeasuredStep> {
  const seconds =
    kind === 'upload' ? Math.max(options.stepSeconds, (options.minUploadsPerStep ?? 10) / rate) : options.stepSeconds;
  const metrics = metricsSource(options.target, options.metrics);
  const cpuBefore = await readServerCpuSeconds(metrics);
  const run = await runLoad({
    scenario: kind,
    options: { target: options.target, targets: options.targets, users: options.users, photos: options.photos },
    model: { kind: 'open', stages: [{ rate, seconds }] },
    workers: options.workers,
  });
  const cpuAfter = await readServerCpuSeconds(metrics);
  const metric = run.metrics[kind];
  return {
    kind,
    rate,
    p99: metric?.p99 ?? 0,
    errorRate: run.errorRate,
    late: run.counts.late,
    dropped: run.counts.dropped,
    serverCores: cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) / run.elapsedSeconds,
    loadgenCores: run.loadgenCpuSeconds / run.elapsedSeconds,
    machineLoad: loadavg()[0]! / availableParallelism(),
    run,
  };
}

function verdict(
  targetP99Ms: number,
  required: number,
  sustainable: number,
  limiting: MeasuredStep | undefined,
  options: CheckOptions,
): RateVerdict {
  const met = sustainable >= required;
  return {
    targetP99Ms,
    requiredPeakPerSec: required,
    sustainablePerSec: sustainable,
    met,
    nodes: met ? 1 : sustainable > 0 ? Math.ceil(required / sustainable) : null,
    saturated: limiting ? saturation(limiting, options) : 'not reached',
  };
}

/**
 * What gave out first at the first failing rate. A Node server runs its JavaScript on one thread,
 * so ~0.85 of a core means its event loop was full; the load generator has one loop per worker
 * thread, and starts sent late mean it could not keep to its own schedule. When neither is
 * busy but this machine has more runnable work than cores, other processes took the CPU (the
 * server's too, when it runs here): the measurement is then a floor, not the deployment's limit.
 */
export function saturation(step: MeasuredStep, options: { workers?: number | undefined }): Saturation {
  const workers = options.workers ?? Math.max(1, availableParallelism() - 1);
  const serverBusy = step.serverCores === null ? 0 : step.serverCores / 0.85;
  const started = step.run.counts.started + step.run.counts.dropped;
  // A few late starts happen on any busy machine; only many of them say the generator fell behind.
  const lateShare = step.late >= MANY_LATE ? step.late / Math.max(1, started) / 0.05 : 0;
  const loadgenBusy = Math.max(step.loadgenCores / (0.85 * (workers + 1)), lateShare);
  if (serverBusy < 1 && loadgenBusy < 1) {
    return step.machineLoad >= 1 ? "this machine's CPU (other processes)" : 'latency target before CPU saturation';
  }
  return serverBusy >= loadgenBusy ? 'server CPU' : 'load generator CPU';
}
