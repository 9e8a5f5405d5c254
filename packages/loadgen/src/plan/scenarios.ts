/**
 * The design notes' capacity scenarios, named after what they model. Each is one note, named by
 * its title in `source`; `stated` holds each figure the note states with the line it is on, and a
 * plan uses those over what it would derive.
 */
import { INSTAGRAM_50M_DAU } from './design-notes/instagram-50m-dau.js';
import { INSTAGRAM_500M_DAU } from './design-notes/instagram-500m-dau.js';
import { INSTAGRAM_HASHTAGS_2M_POSTS } from './design-notes/instagram-hashtags-2m-posts.js';
import { PHOTO_APP_1M_DAU } from './design-notes/photo-app-1m-dau.js';
import type { Scenario, ScenarioId } from './scenario-types.js';

export type { Assumptions, FigureKey, Scenario, ScenarioId, StatedFigure } from './scenario-types.js';

/** In the order the notes were written: the case study first. */
export const SCENARIOS: Record<ScenarioId, Scenario> = {
  'instagram-hashtags-2m-posts': INSTAGRAM_HASHTAGS_2M_POSTS,
  'instagram-500m-dau': INSTAGRAM_500M_DAU,
  'photo-app-1m-dau': PHOTO_APP_1M_DAU,
  'instagram-50m-dau': INSTAGRAM_50M_DAU,
};

export const SCENARIO_IDS = Object.keys(SCENARIOS) as ScenarioId[];

/** A scenario looked up by id, and the deprecated alias it was asked for by, if it was. */
export interface FoundScenario {
  scenario: Scenario;
  /** Set when `id` was a former id: tell the user the new one (scripts may still use the old). */
  deprecatedAlias?: string;
}

/** The scenario for a user-supplied id or former id, or an error that lists the valid ones. */
export function lookupScenario(id: string): FoundScenario {
  if (id in SCENARIOS) return { scenario: SCENARIOS[id as ScenarioId] };
  const aliased = SCENARIO_IDS.map((key) => SCENARIOS[key]).find((s) => s.aliases.includes(id));
  if (aliased) return { scenario: aliased, deprecatedAlias: id };
  throw new Error(`Unknown scenario "${id}": use one of ${SCENARIO_IDS.join(', ')}.`);
}

/** The scenario for an id or former id (see `lookupScenario` for the deprecation). */
export function findScenario(id: string): Scenario {
  return lookupScenario(id).scenario;
}

/** The warning for a former id, naming the one to use instead. */
export function deprecationWarning(found: FoundScenario): string | null {
  if (found.deprecatedAlias === undefined) return null;
  return `warning: scenario "${found.deprecatedAlias}" is deprecated, use "${found.scenario.id}" (same scenario, renamed after what it models).`;
}
