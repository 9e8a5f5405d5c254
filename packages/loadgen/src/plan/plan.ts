import { inUnit } from './figure-builder.js';
import { buildFigures } from './figures.js';
import { checkValue, OVERRIDE_FLAGS, OverrideError } from './overrides.js';
import type { Assumptions, Scenario } from './scenario-types.js';
import type { Plan } from './types.js';

export { formatPlan, formatStatedFigures, statedFigures, type StatedFigureRow } from './format-plan.js';
export type { Figure, Plan } from './types.js';
export { parseOverrides, OVERRIDE_FLAGS, OverrideError } from './overrides.js';
export {
  SCENARIOS,
  SCENARIO_IDS,
  findScenario,
  lookupScenario,
  deprecationWarning,
  type FoundScenario,
} from './scenarios.js';

/**
 * The scenario's figures: the note's own where it states them, derived from its assumptions (with
 * `overrides` applied) where it does not. An override takes the stated figures that rest on it out
 * of the plan (they describe the note's numbers, not these), and one that changes no figure is refused.
 */
export function plan(s: Scenario, overrides: Partial<Assumptions> = {}): Plan {
  const overridden = (Object.keys(overrides) as (keyof Assumptions)[]).filter((k) => overrides[k] !== undefined);
  const a: Assumptions = { ...s.assumptions };
  for (const key of overridden) {
    const spec = OVERRIDE_FLAGS.find((f) => f.key === key);
    const value = overrides[key] as number;
    const problem = spec ? checkValue(spec, value) : 'is not an assumption';
    if (problem !== null) throw new OverrideError(`${key} ${problem}: got ${String(value)}.`);
    a[key] = value;
  }
  const changed = new Set(overridden);
  const { builder, rates } = buildFigures(s, a, changed, true);
  // What the assumptions alone give, beside each stated figure: where the note's arithmetic and its
  // assumptions part, the reader sees by how much.
  const { builder: alone } = buildFigures(s, a, changed, false);
  const figures = builder.figures.map((figure) => {
    const base = alone.value(figure.key);
    if (
      figure.stated === undefined ||
      base === undefined ||
      alone.figures.find((f) => f.key === figure.key)?.basis !== 'derived'
    ) {
      return figure;
    }
    return { ...figure, fromAssumptions: inUnit(base, figure.unit) };
  });
  const consumed = builder.consumed();
  const idle = overridden.filter((key) => !consumed.has(key));
  if (idle.length > 0) {
    const flags = idle.map((key) => `--${OVERRIDE_FLAGS.find((f) => f.key === key)?.flag ?? key}`).join(', ');
    throw new OverrideError(`${flags} changes no figure of ${s.id}: its note ("${s.source}") does not model it.`);
  }
  return {
    scenario: s,
    assumptions: a,
    overridden,
    peakFeedRequestsPerSec: rates.peakFeed,
    peakUploadsPerSec: rates.peakUploads,
    readWriteRatio: rates.readWrite,
    videoShare: rates.videoShare,
    peakVideoUploadsPerSec: rates.peakVideoUploads,
    peakPhotoIngressBytesPerSec: rates.peakPhotoIngress,
    peakVideoIngressBytesPerSec: rates.peakVideoIngress,
    figures,
  };
}
