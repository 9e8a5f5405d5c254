import type { Assumptions, FigureKey, Scenario } from './scenarios.js';

// What plan() derives. Its own file, below plan.ts (which computes it and re-exports formatPlan)
// and format-plan.ts (which prints it), so neither imports the other for it.

/** One derived number: the exact computed value, how it was derived, and what the note says. */
export interface Figure {
  key: FigureKey;
  name: string;
  value: number;
  unit: string;
  derivation: string;
  /** The note's own figure, verbatim with its line, when the note states one. */
  stated?: string;
}

export interface Plan {
  scenario: Scenario;
  /** The scenario's assumptions with the overrides applied. */
  assumptions: Assumptions;
  /** Assumptions the caller overrode (their keys), so a reader knows the notes' figures may not apply. */
  overridden: (keyof Assumptions)[];
  peakFeedReadsPerSec: number;
  peakUploadsPerSec: number;
  /** Feed reads per upload: the mix a `mixed` run should use for this scenario. */
  readWriteRatio: number;
  /** Share of uploads that are videos (videos ÷ photos and videos): what an `upload` run sends. */
  videoShare: number;
  peakVideoUploadsPerSec: number;
  /** Bytes per second arriving at the peak, photos and videos apart (at the note's stored sizes). */
  peakPhotoIngressBytesPerSec: number;
  peakVideoIngressBytesPerSec: number;
  figures: Figure[];
}
