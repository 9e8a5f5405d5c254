import { fanoutScenario } from './fanout.js';
import { feedScenario } from './feed.js';
import { getScenario } from './get.js';
import { mixedScenario } from './mixed.js';
import { uploadScenario } from './upload.js';
import { userPool } from './users.js';
import type { ScenarioName } from './options.js';
import type { Scenario, ScenarioContext } from './types.js';

export function createScenario(name: ScenarioName, ctx: ScenarioContext): Scenario {
  if (name === 'get') return getScenario(ctx);
  const users = userPool(ctx.options.users);
  switch (name) {
    case 'feed':
      return feedScenario(ctx, users);
    case 'upload':
      return uploadScenario(ctx, users);
    case 'mixed':
      return mixedScenario(ctx, users);
    case 'fanout':
      return fanoutScenario(ctx, users);
  }
}

/** Scenarios that send photos: the run generates them first. */
export const NEEDS_PHOTOS: ReadonlySet<ScenarioName> = new Set(['upload', 'mixed', 'fanout']);
