import { availableParallelism } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { ScenarioName, ScenarioOptions } from '../scenarios/options.js';
import { describeTargets } from '../scenarios/targets.js';
import { checkHashtagsPerPost } from '../scenarios/upload.js';
import { clock } from './clock.js';
import { mergeShards, snapshotLatency, type RunResult } from './merge.js';
import type { Counts, LoadModel, ShardResult, ShardSnapshot, ShardTask, StartMessage } from './types.js';
import { workerFile } from './worker-file.js';

export interface RunOptions {
  scenario: ScenarioName;
  options: ScenarioOptions;
  model: LoadModel;
  /** Worker threads (shards). Default: one per core but one, at least one. */
  workers?: number | undefined;
  /** Requests in flight at once over all workers before further starts are dropped. Default 2,000. */
  maxInFlight?: number | undefined;
  /** A start sent this many ms after it was due counts as late. Default 10. */
  lateAfterMs?: number | undefined;
  /** About once a second while the run goes on. */
  onProgress?: ((progress: RunProgress) => void) | undefined;
}

export interface RunProgress {
  elapsedSeconds: number;
  counts: Counts;
  /** Completed per second since the start. */
  rate: number;
  p50: number;
  p99: number;
}

/** Between the last shard saying it is ready and the first request being due. */
const START_DELAY_MS = 100;

/** Runs a scenario under a load model on worker threads and merges what they measured. */
export async function runLoad(run: RunOptions): Promise<RunResult> {
  // Refused before any thread starts, rather than by every post of every worker.
  if (run.options.hashtagsPerPost !== undefined) checkHashtagsPerPost(run.options.hashtagsPerPost);
  const wanted = run.workers ?? Math.max(1, availableParallelism() - 1);
  const workers = run.model.kind === 'closed' ? Math.min(wanted, run.model.users) : wanted;
  const maxInFlight = Math.max(1, Math.floor((run.maxInFlight ?? 2_000) / workers));
  const pool = new Piscina<ShardTask, ShardResult>({
    filename: workerFile(),
    minThreads: workers,
    maxThreads: workers,
    // A shard is one long task; piscina must not time it out or share a thread between two.
    concurrentTasksPerWorker: 1,
  });
  const snapshots = new Map<number, ShardSnapshot>();
  const channels = Array.from({ length: workers }, () => new MessageChannel());
  let ticker: NodeJS.Timeout | undefined;
  let startAt = 0;
  let cpuBefore = process.cpuUsage();
  try {
    const ready = channels.map(
      (channel) => new Promise<void>((resolve) => channel.port1.once('message', () => resolve())),
    );
    const running = channels.map((channel, shard) => {
      const task: ShardTask = {
        shard,
        of: workers,
        model: shardModel(run.model, shard, workers),
        scenario: run.scenario,
        options: run.options,
        maxInFlight,
        lateAfterMs: run.lateAfterMs ?? 10,
        port: channel.port2,
      };
      return pool.run(task, { transferList: [channel.port2] });
    });
    // A shard that fails while setting up never says ready: race so its error surfaces.
    await Promise.race([Promise.all(ready), Promise.all(running)]);
    startAt = clock() + START_DELAY_MS;
    cpuBefore = process.cpuUsage();
    for (const channel of channels) {
      channel.port1.on('message', (snapshot: ShardSnapshot) => snapshots.set(snapshot.shard, snapshot));
      channel.port1.postMessage({ startAt } satisfies StartMessage);
    }
    if (run.onProgress) ticker = setInterval(() => run.onProgress?.(progressOf(snapshots, startAt)), 1000);
    const shards = await Promise.all(running);
    const cpu = process.cpuUsage(cpuBefore);
    return mergeShards(shards, {
      scenario: run.scenario,
      target: describeTargets(run.options),
      model: run.model,
      startAt,
      primary: primaryOf(run.scenario),
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
    });
  } finally {
    clearInterval(ticker);
    for (const channel of channels) channel.port1.close();
    await pool.destroy();
  }
}

/** A closed model's users are split across shards; an open model's schedule is sharded in the worker. */
function shardModel(model: LoadModel, shard: number, of: number): LoadModel {
  if (model.kind === 'open') return model;
  const users = Math.floor(model.users / of) + (shard < model.users % of ? 1 : 0);
  return { ...model, users };
}

function primaryOf(scenario: ScenarioName): string {
  return scenario === 'mixed' ? 'feed' : scenario;
}

function progressOf(snapshots: Map<number, ShardSnapshot>, startAt: number): RunProgress {
  const counts: Counts = { scheduled: 0, started: 0, completed: 0, failed: 0, dropped: 0, late: 0 };
  for (const snapshot of snapshots.values()) {
    for (const key of Object.keys(counts) as (keyof Counts)[]) counts[key] += snapshot.counts[key];
  }
  const elapsedSeconds = Math.max(0.001, (clock() - startAt) / 1000);
  const latency = snapshotLatency([...snapshots.values()].map((s) => s.histogram));
  return { elapsedSeconds, counts, rate: counts.completed / elapsedSeconds, p50: latency.p50, p99: latency.p99 };
}
