import { MIN_SAMPLES, saturation, type MeasuredStep, type Saturation } from './step.js';

/** Most errors a step may have and still count as sustained. */
const MAX_ERROR_RATE = 0.01;

/**
 * A step against a p99 target: `pass` when its p99 (first page of each visit, or the photo
 * uploads) is under the target on at least MIN_SAMPLES samples, with under 1 % errors and no
 * dropped starts; `fail` when its p99 missed the target, or errors or drops; `inconclusive` when
 * it met all that on fewer samples (its p99 is then the slowest few requests, not a percentile).
 */
export type StepJudgement = 'pass' | 'fail' | 'inconclusive';

export function judgeStep(step: MeasuredStep, targetP99Ms: number): StepJudgement {
  const missed = step.samples > 0 && step.p99 >= targetP99Ms;
  if (missed || step.errorRate >= MAX_ERROR_RATE || step.dropped > 0) return 'fail';
  return step.samples >= MIN_SAMPLES ? 'pass' : 'inconclusive';
}

/** How a deployment measured against one target, and what that means for a scenario's peak. */
export interface RateVerdict {
  /** What the rates count, in the notes' unit: feed requests (one page each) or uploads (one file each). */
  unit: 'requests/s' | 'uploads/s';
  targetP99Ms: number;
  requiredPeakPerSec: number;
  /** The highest rate, in `unit`, that met the target on at least MIN_SAMPLES samples; 0 if none. */
  sustainablePerSec: number;
  /** The step rate that was: feed visits per second (each `requestsPerVisit` requests), or uploads per second. */
  stepRatePerSec: number;
  /** Feed: page requests per visit at that step, as served; upload: 1. */
  requestsPerVisit: number;
  /** Samples the sustained step's p99 rests on (0 when none was sustained). */
  samples: number;
  met: boolean;
  /** Nodes like the measured one needed for the peak, assuming linear scaling; null if none sustained. */
  nodes: number | null;
  saturated: Saturation;
  /**
   * The first step above the sustained rate met the target on fewer than MIN_SAMPLES samples
   * (cut short by the longest step allowed): no verdict on it either way. Null when it failed outright.
   */
  inconclusive: { stepRatePerSec: number; samples: number } | null;
}

/**
 * The verdict of a rate search: `sustained` is the highest passing step (undefined when none
 * passed), `limiting` the first that did not. Feed steps run visits of several pages, and the
 * notes count requests ("10000 QPS"): the sustainable rate is visits × the pages each visit asked for.
 */
export function rateVerdict(
  kind: 'feed' | 'upload',
  targetP99Ms: number,
  requiredPeakPerSec: number,
  sustained: MeasuredStep | undefined,
  limiting: MeasuredStep | undefined,
  options: { workers?: number | undefined },
): RateVerdict {
  const perVisit = sustained?.requestsPerVisit ?? 1;
  const sustainable = sustained ? sustained.rate * perVisit : 0;
  const unclear = limiting !== undefined && judgeStep(limiting, targetP99Ms) === 'inconclusive';
  return withPeak(
    {
      unit: kind === 'feed' ? 'requests/s' : 'uploads/s',
      targetP99Ms,
      requiredPeakPerSec,
      sustainablePerSec: sustainable,
      stepRatePerSec: sustained?.rate ?? 0,
      requestsPerVisit: perVisit,
      samples: sustained?.samples ?? 0,
      met: false,
      nodes: null,
      saturated: limiting ? saturation(limiting, options) : 'not reached',
      inconclusive: unclear ? { stepRatePerSec: limiting.rate, samples: limiting.samples } : null,
    },
    requiredPeakPerSec,
  );
}

/** The same measurement held against another peak (scenarios share their steps). */
export function withPeak(v: RateVerdict, requiredPeakPerSec: number): RateVerdict {
  const met = v.sustainablePerSec > 0 && v.sustainablePerSec >= requiredPeakPerSec;
  return {
    ...v,
    requiredPeakPerSec,
    met,
    nodes: met ? 1 : v.sustainablePerSec > 0 ? Math.ceil(requiredPeakPerSec / v.sustainablePerSec) : null,
  };
}
