/**
 * @aperture/loadgen — the open-model load generator that checks a deployment against the design
 * notes' capacity estimates. `aperture loadgen` (packages/cli) is its command line.
 */
export const LOADGEN_VERSION = '0.1.0';

export { runLoad, type RunOptions, type RunProgress } from './engine/run-load.js';
export type { RunResult, MetricResult, SecondResult, SendSummary } from './engine/merge.js';
export { clock, sleepUntil } from './engine/clock.js';
export type { LoadModel, Counts } from './engine/types.js';
export { parseDuration, parseSteps, positiveRate, scheduleSeconds, type Stage } from './engine/schedule.js';
export {
  SCENARIO_NAMES,
  type ScenarioName,
  type ScenarioOptions,
  type UsersSpec,
  type PhotoSet,
  type VideoSet,
} from './scenarios/options.js';
export { NEEDS_PHOTOS } from './scenarios/index.js';
export {
  DEFAULT_LARGE_SHARE,
  generatePhotos,
  LARGE_PHOTO_KB,
  largeShareFor,
  SMALL_PHOTO_KB,
  uniqueJpeg,
} from './scenarios/photos.js';
export { generateVideo } from './scenarios/videos.js';
export { checkHashtagsPerPost } from './scenarios/upload.js';
export { parseThreshold, ThresholdSyntaxError, type Threshold } from './thresholds/parse.js';
export { evaluateThresholds, type ThresholdVerdict } from './thresholds/evaluate.js';
export { formatResult, progressLine, describeModel } from './report/table.js';
export { renderReport, type ReportVerdict } from './report/html.js';
export {
  checkDeployment,
  SCALING_ASSUMPTION,
  MIN_SAMPLES,
  SAMPLES_DUE,
  stepDuration,
  judgeStep,
  type RateVerdict,
  type ScenarioVerdict,
  type CheckResult,
  type CheckOptions,
  type MeasuredStep,
  type MediaMix,
  type VideoUploads,
} from './check/check.js';
export { formatCheck, formatStep, mediaLine, checkVerdicts, checkJson } from './check/format-check.js';
export {
  plan,
  formatPlan,
  formatStatedFigures,
  statedFigures,
  parseOverrides,
  OVERRIDE_FLAGS,
  OverrideError,
  type Plan,
  type StatedFigureRow,
} from './plan/plan.js';
export {
  SCENARIOS,
  SCENARIO_IDS,
  findScenario,
  lookupScenario,
  deprecationWarning,
  type FoundScenario,
  type ScenarioId,
  type Scenario,
} from './plan/scenarios.js';
export { seedDataset, seededToken, SeedOptionsError, type SeedOptions, type SeedSummary } from './seed/index.js';
export type { Figure } from './plan/plan.js';
export type { Assumptions, FigureKey, StatedFigure } from './plan/scenarios.js';
export {
  SeedRefusedError,
  DEFAULT_CELEBRITY_FOLLOWERS,
  DEFAULT_TIMELINE_CAP,
  type FollowDistribution,
} from './seed/index.js';
