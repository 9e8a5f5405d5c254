import { availableParallelism, loadavg } from 'node:os';
import type { RunResult } from '../engine/merge.js';
import { runLoad } from '../engine/run-load.js';
import type { PhotoSet, UsersSpec } from '../scenarios/options.js';
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
  rate: number;
  /** Upload steps: the share of uploads that were videos (0 for feed steps). */
  videoShare: number;
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
  workers?: number | undefined;
  stepSeconds: number;
  minUploadsPerStep?: number | undefined;
  metrics?: { url?: string | undefined; token?: string | undefined } | undefined;
}

/** Late starts that, at 5% or more of a step's starts, mean the generator fell behind. */
const MANY_LATE = 20;

/** One measured rate: an open-model run of `kind` at `rate`, with the CPU of both sides around it. */
export async function runStep(
  options: StepOptions,
  kind: 'feed' | 'upload',
  rate: number,
  videoShare = 0,
): Promise<MeasuredStep> {
  const seconds =
    kind === 'upload' ? Math.max(options.stepSeconds, (options.minUploadsPerStep ?? 10) / rate) : options.stepSeconds;
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
    },
    model: { kind: 'open', stages: [{ rate, seconds }] },
    workers: options.workers,
  });
  const cpuAfter = await readServerCpuSeconds(metrics);
  const metric = run.metrics[kind];
  const video = run.metrics['video'];
  return {
    kind,
    rate,
    videoShare: kind === 'upload' ? videoShare : 0,
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
