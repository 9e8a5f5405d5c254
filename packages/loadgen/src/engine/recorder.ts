import { createHistogram, encodeHistogram, recordMs, type Histogram } from './histogram.js';
import { errorCode } from './error-code.js';
import type { Counts, SecondBucket, ShardResult, ShardSnapshot } from './types.js';

const SAMPLE_LIMIT = 5;

/** What one shard measured: histograms per metric, counters, errors by code, per-second series. */
export class Recorder {
  readonly counts: Counts = { scheduled: 0, started: 0, completed: 0, failed: 0, dropped: 0, late: 0 };
  private readonly histograms = new Map<string, Histogram>();
  private readonly errors: Record<string, number> = {};
  private readonly samples: string[] = [];
  private readonly seconds: { completed: number; failed: number; histogram: Histogram }[] = [];
  private endedAt = 0;

  /** The metric the progress line, the per-second series and `check` look at; the scenario sets it. */
  primary = '';

  /** Wall-clock ms of second 0 of the run; set before the first request. */
  startAt = 0;

  histogram(metric: string): Histogram {
    let histogram = this.histograms.get(metric);
    if (!histogram) {
      histogram = createHistogram();
      this.histograms.set(metric, histogram);
    }
    return histogram;
  }

  /** A latency of `metric`, in ms; the primary one also lands in the second it finished in. */
  latency(metric: string, ms: number, at: number): void {
    recordMs(this.histogram(metric), ms);
    if (metric === this.primary) recordMs(this.second(at).histogram, ms);
  }

  succeeded(at: number): void {
    this.counts.completed += 1;
    this.second(at).completed += 1;
    this.endedAt = Math.max(this.endedAt, at);
  }

  failed(error: unknown, at: number): void {
    this.counts.failed += 1;
    this.second(at).failed += 1;
    this.endedAt = Math.max(this.endedAt, at);
    const code = errorCode(error);
    this.errors[code] = (this.errors[code] ?? 0) + 1;
    const sample = `${code}: ${error instanceof Error ? error.message : String(error)}`;
    if (this.samples.length < SAMPLE_LIMIT && !this.samples.includes(sample)) this.samples.push(sample);
  }

  dropped(): void {
    this.counts.dropped += 1;
    this.errors['DROPPED'] = (this.errors['DROPPED'] ?? 0) + 1;
  }

  snapshot(shard: number): ShardSnapshot {
    return { shard, counts: { ...this.counts }, histogram: encodeHistogram(this.histogram(this.primary)) };
  }

  result(): ShardResult {
    const histograms: Record<string, string> = {};
    for (const [metric, histogram] of this.histograms) histograms[metric] = encodeHistogram(histogram);
    const seconds: SecondBucket[] = [];
    for (let i = 0; i < this.seconds.length; i++) {
      const bucket = this.seconds[i];
      seconds.push(
        bucket
          ? { completed: bucket.completed, failed: bucket.failed, histogram: encodeHistogram(bucket.histogram) }
          : { completed: 0, failed: 0, histogram: '' },
      );
    }
    return {
      counts: { ...this.counts },
      histograms,
      errors: { ...this.errors },
      samples: [...this.samples],
      seconds,
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
