import { encodeHistogram, mergeEncoded, percentileCurve, summarize, type LatencySummary } from './histogram.js';
import type { Counts, LoadModel, ShardResult } from './types.js';
import type { ScenarioName } from '../scenarios/options.js';

/** A metric's successful requests (the summary itself) beside all of its requests (`all`). */
export interface MetricResult extends LatencySummary {
  /** Latency (ms) at the percentiles of a latency-by-percentile chart. */
  curve: { percentile: number; ms: number }[];
  /** The merged HdrHistogram (µs), compressed base64: exact, for other HdrHistogram tools. */
  histogram: string;
  /**
   * Every request of the metric, failed and timed-out ones included at the time they took to fail:
   * what the users of a failing server waited for. `failed` is how many of them failed.
   */
  all: LatencySummary & { failed: number; histogram: string };
}

/** How precisely the open model's requests left at their due times (ms; see clock.ts). */
export interface SendSummary {
  count: number;
  /** The earliest send relative to its due time: negative if any request left early. */
  earliestMs: number;
  /** How late sends were: median, 99th percentile and worst. */
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
}

export interface SecondResult {
  second: number;
  completed: number;
  failed: number;
  /** The primary metric's p50 and p99 of requests that finished in this second, ms (0 if none). */
  p50: number;
  p99: number;
}

/** Everything a run measured, merged across shards. */
export interface RunResult {
  scenario: ScenarioName;
  target: string;
  model: LoadModel;
  workers: number;
  startedAt: string;
  /** From the first due request to the last answer, seconds. */
  elapsedSeconds: number;
  counts: Counts;
  /** Completed iterations per second over `elapsedSeconds`. */
  throughput: number;
  /** Failed and dropped iterations over all that were due. */
  errorRate: number;
  primary: string;
  metrics: Record<string, MetricResult>;
  errors: Record<string, number>;
  samples: string[];
  series: SecondResult[];
  sends: SendSummary;
  /** CPU seconds this load-generator process used (all threads) during the run. */
  loadgenCpuSeconds: number;
  /**
   * Seconds the workers spent waiting out the last ~2 ms before sends on the clock, which burns CPU
   * by design (part of `loadgenCpuSeconds`): not the generator being busy with requests.
   */
  loadgenSpinSeconds: number;
}

export function mergeShards(
  shards: readonly ShardResult[],
  run: {
    scenario: ScenarioName;
    target: string;
    model: LoadModel;
    startAt: number;
    primary: string;
    cpuSeconds: number;
  },
): RunResult {
  const counts: Counts = { scheduled: 0, started: 0, completed: 0, failed: 0, dropped: 0, late: 0 };
  const errors: Record<string, number> = {};
  for (const shard of shards) {
    for (const key of Object.keys(counts) as (keyof Counts)[]) counts[key] += shard.counts[key];
    for (const [code, n] of Object.entries(shard.errors)) errors[code] = (errors[code] ?? 0) + n;
  }
  const metrics: Record<string, MetricResult> = {};
  const names = new Set(shards.flatMap((s) => [...Object.keys(s.histograms), ...Object.keys(s.allHistograms)]));
  for (const name of names) {
    const merged = mergeEncoded(shards.flatMap((s) => (s.histograms[name] ? [s.histograms[name]] : [])));
    const all = mergeEncoded(shards.flatMap((s) => (s.allHistograms[name] ? [s.allHistograms[name]] : [])));
    const success = summarize(merged);
    const allSummary = summarize(all);
    metrics[name] = {
      ...success,
      curve: percentileCurve(merged),
      histogram: encodeHistogram(merged),
      all: { ...allSummary, failed: allSummary.count - success.count, histogram: encodeHistogram(all) },
    };
    merged.destroy();
    all.destroy();
  }
  const scheduledSeconds =
    run.model.kind === 'open' ? run.model.stages.reduce((sum, s) => sum + s.seconds, 0) : run.model.seconds;
  const endedAt = Math.max(...shards.map((s) => s.endedAt), run.startAt);
  const elapsedSeconds = Math.max(scheduledSeconds, (endedAt - run.startAt) / 1000);
  const due = counts.started + counts.dropped;
  return {
    scenario: run.scenario,
    target: run.target,
    model: run.model,
    workers: shards.length,
    startedAt: new Date(run.startAt).toISOString(),
    elapsedSeconds,
    counts,
    throughput: counts.completed / elapsedSeconds,
    errorRate: due === 0 ? 0 : (counts.failed + counts.dropped) / due,
    primary: run.primary,
    metrics,
    errors,
    samples: [...new Set(shards.flatMap((s) => s.samples))].slice(0, 5),
    series: mergeSeries(shards),
    sends: mergeSends(shards),
    loadgenCpuSeconds: run.cpuSeconds,
    loadgenSpinSeconds: shards.reduce((sum, s) => sum + s.sends.spinMs, 0) / 1000,
  };
}

function mergeSends(shards: readonly ShardResult[]): SendSummary {
  const sending = shards.filter((s) => s.sends.count > 0);
  const lag = mergeEncoded(sending.map((s) => s.sends.lag));
  const summary = summarize(lag);
  lag.destroy();
  return {
    count: summary.count,
    earliestMs: sending.length === 0 ? 0 : Math.min(...sending.map((s) => s.sends.earliestMs)),
    lagP50Ms: summary.p50,
    lagP99Ms: summary.p99,
    lagMaxMs: summary.max,
  };
}

function mergeSeries(shards: readonly ShardResult[]): SecondResult[] {
  const length = Math.max(0, ...shards.map((s) => s.seconds.length));
  const series: SecondResult[] = [];
  for (let second = 0; second < length; second++) {
    const buckets = shards.flatMap((s) => s.seconds.slice(second, second + 1));
    const merged = mergeEncoded(buckets.flatMap((b) => (b.histogram === '' ? [] : [b.histogram])));
    const summary = summarize(merged);
    merged.destroy();
    series.push({
      second,
      completed: buckets.reduce((sum, b) => sum + b.completed, 0),
      failed: buckets.reduce((sum, b) => sum + b.failed, 0),
      p50: summary.p50,
      p99: summary.p99,
    });
  }
  return series;
}

/** The p50 and p99 so far of the latest snapshots, for the progress line. */
export function snapshotLatency(encoded: readonly string[]): { p50: number; p99: number; count: number } {
  const merged = mergeEncoded(encoded);
  const summary = summarize(merged);
  merged.destroy();
  return { p50: summary.p50, p99: summary.p99, count: summary.count };
}
