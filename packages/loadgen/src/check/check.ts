import { plan } from '../plan/plan.js';
import type { Scenario, ScenarioId } from '../plan/scenarios.js';
import type { PhotoSet, UsersSpec } from '../scenarios/options.js';
import { describeTargets } from '../scenarios/targets.js';
import { findSustainableRate, type StepOutcome } from './search.js';
import { MIN_SAMPLES, runStep, type MeasuredStep, type StepOptions } from './step.js';
import { largeShareFor } from '../scenarios/photos.js';
import { judgeStep, rateVerdict, withPeak, type RateVerdict } from './verdict.js';

export { saturation, stepDuration, MIN_SAMPLES, SAMPLES_DUE } from './step.js';
export type { MeasuredStep, Saturation, VideoUploads } from './step.js';
export { judgeStep, rateVerdict, withPeak, type RateVerdict, type StepJudgement } from './verdict.js';

/** The scenario's media mix, from its plan: what its upload steps send, and the bandwidth it implies. */
export interface MediaMix {
  /** Share of uploads that were videos in this scenario's upload steps. */
  videoShare: number;
  /** Share of the photos sent from 12 MP (~3 MB) sources, the rest 1080 px (~200 KB). */
  largeShare: number;
  /** What the note says a photo weighs, when it says. */
  notePhotoKB: number | undefined;
  peakVideoUploadsPerSec: number;
  peakPhotoIngressBytesPerSec: number;
  peakVideoIngressBytesPerSec: number;
  /** Hashtags in each post the upload steps made: the note's tag writes per post (0 when it counts none). */
  hashtagsPerPost: number;
  /** The tag writes per second the note's peak needs; null when it counts none. */
  peakTagWritesPerSec: number | null;
}

export interface ScenarioVerdict {
  id: ScenarioId;
  title: string;
  /** In feed requests (pages) per second, the notes' unit; null when the note models no feed traffic. */
  feed: RateVerdict | null;
  /** Judged by the photo uploads; the videos sent beside them weigh on the server, see `media`. */
  upload: RateVerdict;
  media: MediaMix;
}

export interface CheckResult {
  target: string;
  stepSeconds: number;
  /** Fewest samples a sustainable rate's p99 rests on. */
  minSamples: number;
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
   * Share of photos sent from 12 MP sources in every scenario. Without it each scenario's upload
   * steps send the mix that weighs what its note's photos do (`largeShareFor`); `photos` must then
   * hold 12 MP sources when any scenario needs them.
   */
  largeShare?: number | undefined;
  /**
   * The run's video clip (see `generateVideo`): upload steps send it as each scenario's plan says
   * (instagram-50m-dau: one video per five photos). Without it, no step sends videos.
   */
  video?: { path: string } | undefined;
  /** Share of uploads that are videos in every scenario, instead of each plan's. */
  videoShare?: number | undefined;
  workers?: number | undefined;
  /** The shortest step; steps at low rates run longer, until SAMPLES_DUE samples are due. */
  stepSeconds: number;
  /** The longest a step may run for its samples (default 600 s); one cut short is inconclusive. */
  maxStepSeconds?: number | undefined;
  /** Feed visits per second (each a few page requests; the verdict converts to requests). */
  feedRates: { start: number; max: number };
  uploadRates: { start: number; max: number };
  refinements: number;
  /**
   * Where the server's CPU is read: `<target>/metrics` by default (with several targets, the
   * first one's: one process of the deployment). The server serves it only with
   * a token (its APERTURE_METRICS_TOKEN) or on a separate listener (its APERTURE_METRICS_PORT).
   */
  metrics?: { url?: string | undefined; token?: string | undefined } | undefined;
  onStep?: ((step: MeasuredStep) => void) | undefined;
}

/** What an upload step sends: its share of videos, of photos from 12 MP sources, and each post's hashtags. */
interface UploadMix {
  videoShare: number;
  largeShare: number;
  hashtagsPerPost: number;
}

const NO_UPLOADS: UploadMix = { videoShare: 0, largeShare: 0, hashtagsPerPost: 0 };

/** Steps with the same mix are the same measurement, whichever scenario asked for it. */
const mixKey = (kind: 'feed' | 'upload', mix: UploadMix) =>
  kind === 'feed' ? '' : `${mix.videoShare}:${mix.largeShare}:${mix.hashtagsPerPost}`;

/** The check's options sending this mix's photos and hashtags. */
function withMix(options: CheckOptions, mix: UploadMix): CheckOptions & Pick<StepOptions, 'hashtagsPerPost'> {
  return {
    ...options,
    photos: { ...options.photos, largeShare: mix.largeShare },
    hashtagsPerPost: mix.hashtagsPerPost,
  };
}

export const SCALING_ASSUMPTION =
  'nodes = ceil(required peak / sustainable rate of this deployment): assumes throughput grows linearly with ' +
  'identical API nodes behind a load balancer, and that the shared database and media store keep up.';

/**
 * Measures the highest feed and upload arrival rates this deployment sustains under each
 * scenario's p99 targets, then compares them with the peaks the scenarios' plans require.
 */
export async function checkDeployment(options: CheckOptions): Promise<CheckResult> {
  // Refused before anything is sent: the mix would silently be 1080 px photos only.
  const needsLarge = options.scenarios.some((s) => (options.largeShare ?? largeShareFor(s.assumptions.photoKB)) > 0);
  if (needsLarge && options.photos.large.length === 0) {
    throw new Error('the scenarios send 12 MP photos: generate the photos with a large share above 0');
  }
  const steps: MeasuredStep[] = [];
  const measured = new Map<string, MeasuredStep>();
  // A step's numbers do not depend on the target it is judged against: scenarios with different
  // targets (but the same media mix) share the steps they both need.
  const measure = async (kind: 'feed' | 'upload', rate: number, mix: UploadMix): Promise<MeasuredStep> => {
    const key = `${kind}:${rate}:${mixKey(kind, mix)}`;
    const known = measured.get(key);
    if (known) return known;
    const step = await runStep(withMix(options, mix), kind, rate, mix.videoShare);
    measured.set(key, step);
    steps.push(step);
    options.onStep?.(step);
    return step;
  };
  const searches = new Map<string, RateVerdict>();
  const search = async (kind: 'feed' | 'upload', targetP99Ms: number, mix: UploadMix, required: number) => {
    const key = `${kind}:${targetP99Ms}:${mixKey(kind, mix)}`;
    let found = searches.get(key);
    if (!found) {
      const rates = kind === 'feed' ? options.feedRates : options.uploadRates;
      const step = (rate: number) => measured.get(`${kind}:${rate}:${mixKey(kind, mix)}`);
      const outcome = await findSustainableRate(
        async (rate): Promise<StepOutcome> => {
          const judged = judgeStep(await measure(kind, rate, mix), targetP99Ms);
          return { rate, ok: judged === 'pass', inconclusive: judged === 'inconclusive' };
        },
        { start: rates.start, max: rates.max, min: rates.start / 16, refinements: options.refinements },
      );
      found = rateVerdict(
        kind,
        targetP99Ms,
        0,
        outcome.sustainable > 0 ? step(outcome.sustainable) : undefined,
        outcome.firstFailing === null ? undefined : step(outcome.firstFailing),
        options,
      );
      searches.set(key, found);
    }
    // The measurement is shared; the peak it is held against is this scenario's.
    return withPeak(found, required);
  };

  // A cold server (empty caches, unoptimised code) fails the first step for reasons a warm one
  // would not have: one unmeasured step of each kind first, for `stepSeconds` only.
  for (const kind of ['feed', 'upload'] as const) {
    const rates = kind === 'feed' ? options.feedRates : options.uploadRates;
    await runStep(options, kind, rates.start, 0, false);
  }

  const verdicts: ScenarioVerdict[] = [];
  for (const scenario of options.scenarios) {
    const required = plan(scenario);
    const videoShare = options.video ? (options.videoShare ?? required.videoShare) : 0;
    const notePhotoKB = scenario.assumptions.photoKB;
    const largeShare = options.largeShare ?? largeShareFor(notePhotoKB);
    const feedTarget = scenario.targets.feedP99Ms;
    const feed =
      feedTarget === undefined || required.peakFeedRequestsPerSec === null
        ? null
        : await search('feed', feedTarget, NO_UPLOADS, required.peakFeedRequestsPerSec);
    // The note's tag writes ride on its posts: each post carries its hashtags.
    const hashtagsPerPost = scenario.assumptions.hashtagsPerPost ?? 0;
    const mix = { videoShare, largeShare, hashtagsPerPost };
    const upload = await search('upload', scenario.targets.uploadP99Ms, mix, required.peakUploadsPerSec);
    verdicts.push({
      id: scenario.id,
      title: scenario.title,
      media: {
        videoShare,
        largeShare,
        notePhotoKB,
        peakVideoUploadsPerSec: required.peakVideoUploadsPerSec,
        peakPhotoIngressBytesPerSec: required.peakPhotoIngressBytesPerSec,
        peakVideoIngressBytesPerSec: required.peakVideoIngressBytesPerSec,
        hashtagsPerPost,
        peakTagWritesPerSec: required.figures.find((f) => f.key === 'peakTagWritesPerSec')?.value ?? null,
      },
      feed,
      upload,
    });
  }
  return {
    target: describeTargets(options),
    stepSeconds: options.stepSeconds,
    minSamples: MIN_SAMPLES,
    steps,
    verdicts,
    scalingAssumption: SCALING_ASSUMPTION,
  };
}
