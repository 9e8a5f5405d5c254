import { clock } from './clock.js';
import { createHistogram, encodeHistogram, recordMs, type Histogram } from './histogram.js';
import { errorCode } from './error-code.js';
import type { Counts, SecondBucket, SendTiming, ShardResult, ShardSnapshot } from './types.js';

const SAMPLE_LIMIT = 5;

/** What one shard measured: histograms per metric, counters, errors by code, per-second series. */
export class Recorder {
  readonly counts: Counts = { scheduled: 0, started: 0, completed: 0, failed: 0, dropped: 0, late: 0 };
  /** Successful requests only, per metric. */
  private readonly histograms = new Map<string, Histogram>();
  /** Every request, per metric: the successes, and the failures at the time they took to fail. */
  private readonly allHistograms = new Map<string, Histogram>();
  /** Failures already recorded against a metric by {@link timed}, so the engine does not count them again. */
  private readonly attributed = new WeakSet<object>();
  private readonly errors: Record<string, number> = {};
  private readonly samples: string[] = [];
  private readonly seconds: { completed: number; failed: number; histogram: Histogram }[] = [];
  private readonly sendLag = createHistogram();
  private earliestSendMs = Number.POSITIVE_INFINITY;
  private spinMs = 0;
  private endedAt = 0;

  /** The metric the progress line, the per-second series and `check` look at; the scenario sets it. */
  primary = '';

  /** Wall-clock ms of second 0 of the run; set before the first request. */
  startAt = 0;

  histogram(metric: string): Histogram {
    return histogramOf(this.histograms, metric);
  }

  /** A latency of `metric`, in ms; the primary one also lands in the second it finished in. */
  latency(metric: string, ms: number, at: number): void {
    recordMs(this.histogram(metric), ms);
    recordMs(histogramOf(this.allHistograms, metric), ms);
    if (metric === this.primary) recordMs(this.second(at).histogram, ms);
  }

  /**
   * Runs `call` as one request of `metric` timed from `start` (wall-clock ms): its latency when it
   * succeeds, and when it fails the time it took to fail among `metric`'s all-requests latencies
   * (a timeout at the timeout), so that a server answering fast with errors or not at all cannot
   * look fast. The error is rethrown for the engine to count.
   */
  async timed<T>(metric: string | readonly string[], start: number, call: () => Promise<T>): Promise<T> {
    const metrics = typeof metric === 'string' ? [metric] : metric;
    let value: T;
    try {
      value = await call();
    } catch (error) {
      const tookMs = clock() - start;
      for (const name of metrics) recordMs(histogramOf(this.allHistograms, name), tookMs);
      if (typeof error === 'object' && error !== null) this.attributed.add(error);
      throw error;
    }
    const now = clock();
    for (const name of metrics) this.latency(name, now - start, now);
    return value;
  }

  succeeded(at: number): void {
    this.counts.completed += 1;
    this.second(at).completed += 1;
    this.endedAt = Math.max(this.endedAt, at);
  }

  /**
   * An iteration due at `due` failed at `at`. A failure the scenario did not record against a metric
   * (see {@link timed}) counts among the primary metric's requests, timed from when it was due.
   */
  failed(error: unknown, at: number, due: number): void {
    this.counts.failed += 1;
    this.second(at).failed += 1;
    this.endedAt = Math.max(this.endedAt, at);
    const isObject = typeof error === 'object' && error !== null;
    if (!(isObject && this.attributed.has(error))) recordMs(histogramOf(this.allHistograms, this.primary), at - due);
    const code = errorCode(error);
    this.errors[code] = (this.errors[code] ?? 0) + 1;
    const sample = `${code}: ${error instanceof Error ? error.message : String(error)}`;
    if (this.samples.length < SAMPLE_LIMIT && !this.samples.includes(sample)) this.samples.push(sample);
  }

  dropped(): void {
    this.counts.dropped += 1;
    this.errors['DROPPED'] = (this.errors['DROPPED'] ?? 0) + 1;
  }

  /** A request due at `due` was handed to the scenario at `at`; `spunMs` of the wait was spent on the clock. */
  sent(due: number, at: number, spunMs: number): void {
    this.earliestSendMs = Math.min(this.earliestSendMs, at - due);
    recordMs(this.sendLag, Math.max(0, at - due));
    this.spinMs += spunMs;
  }

  snapshot(shard: number): ShardSnapshot {
    return { shard, counts: { ...this.counts }, histogram: encodeHistogram(this.histogram(this.primary)) };
  }

  result(): ShardResult {
    const encodeAll = (map: Map<string, Histogram>) =>
      Object.fromEntries([...map].map(([metric, histogram]) => [metric, encodeHistogram(histogram)]));
    const seconds: SecondBucket[] = [];
    for (let i = 0; i < this.seconds.length; i++) {
      const bucket = this.seconds[i];
      seconds.push(
        bucket
          ? { completed: bucket.completed, failed: bucket.failed, histogram: encodeHistogram(bucket.histogram) }
          : { completed: 0, failed: 0, histogram: '' },
      );
    }
    const sends: SendTiming = {
      count: this.sendLag.totalCount,
      earliestMs: this.sendLag.totalCount === 0 ? 0 : this.earliestSendMs,
      lag: encodeHistogram(this.sendLag),
      spinMs: this.spinMs,
    };
    return {
      counts: { ...this.counts },
      histograms: encodeAll(this.histograms),
      allHistograms: encodeAll(this.allHistograms),
      errors: { ...this.errors },
      samples: [...this.samples],
      seconds,
      sends,
      endedAt: this.endedAt,
    };
  }

  private second(at: number) {
    const index = Math.max(0, Math.floor((at - this.startAt) / 1000));
    // Fill gaps so that a silent second (a stall) shows up as zero throughput, not as nothing.
    while (this.seconds.length <= index) this.seconds.push({ completed: 0, failed: 0, histogram: createHistogram() });
    return this.seconds[index]!;
  }
}

function histogramOf(map: Map<string, Histogram>, metric: string): Histogram {
  let histogram = map.get(metric);
  if (!histogram) {
    histogram = createHistogram();
    map.set(metric, histogram);
  }
  return histogram;
}
