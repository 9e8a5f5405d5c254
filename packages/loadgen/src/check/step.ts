import { availableParallelism, loadavg } from 'node:os';
import type { RunResult } from '../engine/merge.js';
import { runLoad } from '../engine/run-load.js';
import type { PhotoSet, UsersSpec } from '../scenarios/options.js';
import { EACH_PAGE } from '../scenarios/feed.js';
import { metricsSource, readServerCpuSeconds } from './server-cpu.js';

export type Saturation =
  | 'server CPU'
  | 'load generator CPU'
  | "this machine's CPU (other processes)"
  | 'latency target before CPU saturation'
  | 'not reached';

/** The video uploads of an upload step, reported beside the photos it is judged by. */
export interface VideoUploads {
  count: number;
  /** Failed video uploads (among all the step's failures). */
  failed: number;
  /** From due until the server accepted the completed upload (verified and probed it), ms. */
  acceptedP99: number;
  /** From due until it was transcoded and ready, ms. */
  readyP99: number;
}

export interface MeasuredStep {
  kind: 'feed' | 'upload';
  /** Feed: visits per second (each `requestsPerVisit` page requests); upload: uploads per second. */
  rate: number;
  /** How long the step was scheduled for: `stepSeconds`, or longer to be due `SAMPLES_DUE` samples. */
  seconds: number;
  /** Latencies the step's p99 is computed over: completed first pages (feed) or photo uploads. */
  samples: number;
  /** Feed: page requests per visit as served (fewer than asked when a feed runs out); upload: 1. */
  requestsPerVisit: number;
  /** Upload steps: the share of uploads that were videos (0 for feed steps). */
  videoShare: number;
  /** Upload steps: hashtags in each post's caption (0 for feed steps). */
  hashtagsPerPost: number;
  /** Feed: the first page of each visit (what a person waits for); upload: photos until ready. */
  p99: number;
  /** The same over every request, failed and timed-out ones at the time they took to fail. */
  p99All: number;
  errorRate: number;
  late: number;
  dropped: number;
  /** Server CPU in cores (CPU seconds per second) during the step, null when its metrics were not readable. */
  serverCores: number | null;
  /**
   * This process's CPU in cores during the step (main thread and workers), less the time spent
   * timing sends on the clock: that burns CPU by design and says nothing about how busy it was.
   */
  loadgenCores: number;
  /** This machine's 1-minute load average per core at the end of the step. */
  machineLoad: number;
  /** Upload steps with videos: how those went. */
  videos: VideoUploads | null;
  run: RunResult;
}

/** What a step needs of the check's options. */
export interface StepOptions {
  target: string;
  targets?: string[] | undefined;
  users: UsersSpec;
  photos: PhotoSet;
  /** The run's video clip; upload steps with a video share above 0 send it. */
  video?: { path: string } | undefined;
  /** Upload steps: hashtags in each post's caption (none when unset). */
  hashtagsPerPost?: number | undefined;
  workers?: number | undefined;
  stepSeconds: number;
  /** The longest a step may run to gather its samples (default 600 s); a shorter one is inconclusive. */
  maxStepSeconds?: number | undefined;
  metrics?: { url?: string | undefined; token?: string | undefined } | undefined;
}

/** Fewest samples a step's p99 must rest on before `check` calls its rate sustainable. */
export const MIN_SAMPLES = 200;
/**
 * Samples a step is sized for: 5 % over MIN_SAMPLES, so that a step with failures under the 1 %
 * allowed still has its 200. (A p99 over 10–20 samples is their maximum, one slow request.)
 */
export const SAMPLES_DUE = 210;
const DEFAULT_MAX_STEP_SECONDS = 600;

/**
 * How long a step at `rate` runs: `stepSeconds`, or long enough for SAMPLES_DUE samples to be due
 * (upload steps count photos only: the videos among them are not in the p99), but no longer than
 * `maxStepSeconds` (a step cut short by it is reported inconclusive, not sustainable).
 */
export function stepDuration(
  options: Pick<StepOptions, 'stepSeconds' | 'maxStepSeconds'>,
  rate: number,
  videoShare = 0,
): number {
  const perSecond = rate * (1 - videoShare);
  const needed = perSecond > 0 ? SAMPLES_DUE / perSecond : Number.POSITIVE_INFINITY;
  const cap = Math.max(options.stepSeconds, options.maxStepSeconds ?? DEFAULT_MAX_STEP_SECONDS);
  return Math.min(cap, Math.max(options.stepSeconds, Math.ceil(needed * 10) / 10));
}

/** Late starts that, at 5% or more of a step's starts, mean the generator fell behind. */
const MANY_LATE = 20;

/**
 * One measured rate: an open-model run of `kind` at `rate`, with the CPU of both sides around it.
 * `sized` false runs it for `stepSeconds` only (the unmeasured warm-up).
 */
export async function runStep(
  options: StepOptions,
  kind: 'feed' | 'upload',
  rate: number,
  videoShare = 0,
  sized = true,
): Promise<MeasuredStep> {
  const seconds = sized ? stepDuration(options, rate, kind === 'upload' ? videoShare : 0) : options.stepSeconds;
  if (videoShare > 0 && !options.video) throw new Error('an upload step with videos needs the run’s video clip');
  const metrics = metricsSource(options.target, options.metrics);
  const cpuBefore = await readServerCpuSeconds(metrics);
  const run = await runLoad({
    scenario: kind,
    options: {
      target: options.target,
      targets: options.targets,
      users: options.users,
      photos: options.photos,
      videos: videoShare > 0 && options.video ? { path: options.video.path, share: videoShare } : undefined,
      hashtagsPerPost: options.hashtagsPerPost,
    },
    model: { kind: 'open', stages: [{ rate, seconds }] },
    workers: options.workers,
  });
  const cpuAfter = await readServerCpuSeconds(metrics);
  const metric = run.metrics[kind];
  const video = run.metrics['video'];
  // Pages over visits, failed ones included on both sides: what the server was asked to serve.
  const visits = metric?.all.count ?? 0;
  const pages = run.metrics[EACH_PAGE]?.all.count ?? 0;
  return {
    kind,
    rate,
    seconds,
    samples: metric?.count ?? 0,
    requestsPerVisit: kind === 'feed' && visits > 0 ? pages / visits : 1,
    videoShare: kind === 'upload' ? videoShare : 0,
    hashtagsPerPost: kind === 'upload' ? (options.hashtagsPerPost ?? 0) : 0,
    p99: metric?.p99 ?? 0,
    p99All: metric?.all.p99 ?? 0,
    errorRate: run.errorRate,
    late: run.counts.late,
    dropped: run.counts.dropped,
    serverCores: cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) / run.elapsedSeconds,
    loadgenCores: Math.max(0, run.loadgenCpuSeconds - run.loadgenSpinSeconds) / run.elapsedSeconds,
    machineLoad: loadavg()[0]! / availableParallelism(),
    videos: video
      ? {
          count: video.all.count,
          failed: video.all.failed,
          acceptedP99: run.metrics['video_accepted']?.p99 ?? 0,
          readyP99: video.p99,
        }
      : null,
    run,
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
