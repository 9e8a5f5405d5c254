import type { MessagePort } from 'node:worker_threads';
import type { ScenarioName, ScenarioOptions } from '../scenarios/options.js';
import type { Stage } from './schedule.js';

/** Open model: arrivals follow the schedule whatever the server does. Closed: N users loop. */
export type LoadModel = { kind: 'open'; stages: Stage[] } | { kind: 'closed'; users: number; seconds: number };

/** What one worker thread runs: its shard of the whole run. */
export interface ShardTask {
  shard: number;
  of: number;
  model: LoadModel;
  scenario: ScenarioName;
  options: ScenarioOptions;
  /** Requests of this shard allowed in flight at once; a start beyond it is dropped and counted. */
  maxInFlight: number;
  /** A start sent more than this many ms after it was due counts as late. */
  lateAfterMs: number;
  /**
   * The line to the main thread: the worker posts `'ready'` once its scenario is set up, receives
   * `{ startAt }` (wall-clock ms, see clock.ts, when the run's first request is due), then posts a
   * {@link ShardSnapshot} about once a second.
   */
  port: MessagePort;
}

export interface StartMessage {
  startAt: number;
}

/** Counters every shard keeps; summed across shards. */
export interface Counts {
  /** Requests the schedule intended (open model) or that users began (closed). */
  scheduled: number;
  started: number;
  completed: number;
  failed: number;
  /** Due, but not sent: the shard already had `maxInFlight` requests waiting. */
  dropped: number;
  /** Sent more than `lateAfterMs` after they were due: the load generator fell behind. */
  late: number;
}

/** One second of the run (second 0 starts at `startAt`), by when requests finished. */
export interface SecondBucket {
  completed: number;
  failed: number;
  /** The primary metric's latencies of this second, encoded (see histogram.ts). */
  histogram: string;
}

/** How close to their due times a shard's open-model requests were handed to the scenario. */
export interface SendTiming {
  /** Requests sent. */
  count: number;
  /** The earliest send relative to its due time, ms: negative means a request left early. */
  earliestMs: number;
  /** Encoded histogram of how late each send was (0 when on time or early), µs. */
  lag: string;
  /** Wall-clock ms spent waiting out the last ~2 ms before sends on the clock (see clock.ts). */
  spinMs: number;
}

export interface ShardResult {
  counts: Counts;
  /** Per metric (`feed`, `upload`, …): the encoded histogram of its successful latencies in µs. */
  histograms: Record<string, string>;
  /** Per metric: every request's latency, failures at the time they took to fail, µs. */
  allHistograms: Record<string, string>;
  errors: Record<string, number>;
  /** Messages of the first few failures, for a person to read. */
  samples: string[];
  seconds: SecondBucket[];
  sends: SendTiming;
  /** Wall-clock ms when the shard's last request finished. */
  endedAt: number;
}

export interface ShardSnapshot {
  shard: number;
  counts: Counts;
  /** The primary metric so far, encoded. */
  histogram: string;
}
