import type { Assumptions, FigureKey, Scenario } from './scenario-types.js';

// What plan() derives. Its own file, below plan.ts (which computes it and re-exports formatPlan)
// and format-plan.ts (which prints it), so neither imports the other for it.

/**
 * One figure of a plan. Its value is the note's own when the note states it (and no override it
 * rests on changed), else derived from the assumptions and the figures before it.
 */
export interface Figure {
  key: FigureKey;
  name: string;
  /** The value the plan uses, in `unit`. */
  value: number;
  unit: string;
  basis: 'stated' | 'derived';
  /** `stated ("<note>", line N)` or `derived (<how>)`: the basis in words, as the table prints it. */
  source: string;
  /** How the plan derives it (from the values it uses); for a stated figure, how it would. */
  derivation: string;
  /** The note's own figure, verbatim, with its line, when the note states one. */
  stated?: { text: string; line: number };
  /**
   * For a figure the note states: what the note's assumptions alone give, in `unit` (absent when
   * they give nothing), so a reader sees where the note's arithmetic and its assumptions part.
   */
  fromAssumptions?: number;
}

export interface Plan {
  scenario: Scenario;
  /** The scenario's assumptions with the overrides applied. */
  assumptions: Assumptions;
  /** Assumptions the caller overrode (their keys): stated figures that rest on them are derived instead. */
  overridden: (keyof Assumptions)[];
  /** Peak home-feed requests per second (one feed page each); null when the note models no feed. */
  peakFeedRequestsPerSec: number | null;
  /** Peak uploads per second (photos and videos, one file each). */
  peakUploadsPerSec: number;
  /** Feed requests per upload: the mix a `mixed` run should use; null without feed traffic. */
  readWriteRatio: number | null;
  /** Share of uploads that are videos (videos ÷ photos and videos): what an `upload` run sends. */
  videoShare: number;
  peakVideoUploadsPerSec: number;
  /** Bytes per second arriving at the peak, photos and videos apart (0 when the note gives no sizes). */
  peakPhotoIngressBytesPerSec: number;
  peakVideoIngressBytesPerSec: number;
  figures: Figure[];
}
