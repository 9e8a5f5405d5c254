import { plan } from '../plan/plan.js';
import type { Scenario, ScenarioId } from '../plan/scenarios.js';
import type { PhotoSet, UsersSpec } from '../scenarios/options.js';
import { describeTargets } from '../scenarios/targets.js';
import { findSustainableRate, type StepOutcome } from './search.js';
import { runStep, saturation, type MeasuredStep, type Saturation } from './step.js';

export { saturation, type MeasuredStep, type Saturation, type VideoUploads } from './step.js';

export interface RateVerdict {
  targetP99Ms: number;
  requiredPeakPerSec: number;
  sustainablePerSec: number;
  met: boolean;
  /** Nodes like the measured one needed for the peak, assuming linear scaling; null if none sustained. */
  nodes: number | null;
  saturated: Saturation;
}

/** The scenario's media mix, from its plan: what its upload steps send, and the bandwidth it implies. */
export interface MediaMix {
  /** Share of uploads that were videos in this scenario's upload steps. */
  videoShare: number;
  peakVideoUploadsPerSec: number;
  peakPhotoIngressBytesPerSec: number;
  peakVideoIngressBytesPerSec: number;
}

export interface ScenarioVerdict {
  id: ScenarioId;
  title: string;
  feed: RateVerdict;
  /** Judged by the photo uploads; the videos sent beside them weigh on the server, see `media`. */
  upload: RateVerdict;
  media: MediaMix;
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
  /**
   * The run's video clip (see `generateVideo`): upload steps send it as each scenario's plan says
   * (seed-002: one video per five photos). Without it, no step sends videos.
   */
  video?: { path: string } | undefined;
  /** Share of uploads that are videos in every scenario, instead of each plan's. */
  videoShare?: number | undefined;
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
  // targets (but the same media mix) share the steps they both need.
  const measure = async (kind: 'feed' | 'upload', rate: number, videoShare: number): Promise<MeasuredStep> => {
    const key = `${kind}:${rate}:${videoShare}`;
    const known = measured.get(key);
    if (known) return known;
    const step = await runStep(options, kind, rate, videoShare);
    measured.set(key, step);
    steps.push(step);
    options.onStep?.(step);
    return step;
  };
  const searches = new Map<string, { sustainable: number; limiting: MeasuredStep | undefined }>();
  const search = async (kind: 'feed' | 'upload', targetP99Ms: number, videoShare: number) => {
    const key = `${kind}:${targetP99Ms}:${videoShare}`;
    const known = searches.get(key);
    if (known) return known;
    const rates = kind === 'feed' ? options.feedRates : options.uploadRates;
    const outcome = await findSustainableRate(
      async (rate): Promise<StepOutcome> => ({ rate, ok: passes(await measure(kind, rate, videoShare), targetP99Ms) }),
      { start: rates.start, max: rates.max, min: rates.start / 16, refinements: options.refinements },
    );
    const limiting =
      outcome.firstFailing === null ? undefined : measured.get(`${kind}:${outcome.firstFailing}:${videoShare}`);
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
    const videoShare = options.video ? (options.videoShare ?? required.videoShare) : 0;
    const feed = await search('feed', scenario.targets.feedP99Ms, 0);
    const upload = await search('upload', scenario.targets.uploadP99Ms, videoShare);
    verdicts.push({
      id: scenario.id,
      title: scenario.title,
      media: {
        videoShare,
        peakVideoUploadsPerSec: required.peakVideoUploadsPerSec,
        peakPhotoIngressBytesPerSec: required.peakPhotoIngressBytesPerSec,
        peakVideoIngressBytesPerSec: required.peakVideoIngressBytesPerSec,
      },
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

/**
 * A step meets a target by its `p99`: the first page of each feed visit (what a person waits for),
 * or the photo uploads; it needs some of those measured, under 1% errors and no dropped starts.
 */
function passes(step: MeasuredStep, targetP99Ms: number): boolean {
  const measured = (step.run.metrics[step.kind]?.count ?? 0) > 0;
  return measured && step.p99 < targetP99Ms && step.errorRate < MAX_ERROR_RATE && step.dropped === 0;
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
