/** What one step of a rate search learned. */
export interface StepOutcome {
  rate: number;
  /** The step met the target: p99 under it on enough samples, errors under 1%, no dropped starts. */
  ok: boolean;
  /**
   * Not ok for want of samples, not for a missed target. Lower rates would hold fewer still (their
   * steps are already as long as allowed), so the search halves no further.
   */
  inconclusive?: boolean;
}

export interface SearchOptions {
  /** The first rate tried. */
  start: number;
  /** No rate above this is tried. */
  max: number;
  /** No rate below this is tried; reaching it without success means nothing was sustainable. */
  min: number;
  /** Bisection steps between the last good and the first bad rate (each halves the gap). */
  refinements: number;
}

/**
 * The highest sustainable rate: double from `start` until a step fails (or halve until one
 * passes, or one is inconclusive), then bisect between the last good and the first bad rate. Steps run one after
 * another, so each sees the server as the previous step left it — short steps keep that small.
 * Returns 0 when even `min` failed.
 */
export async function findSustainableRate(
  measure: (rate: number) => Promise<StepOutcome>,
  options: SearchOptions,
): Promise<{ sustainable: number; firstFailing: number | null; steps: StepOutcome[] }> {
  const steps: StepOutcome[] = [];
  let unclear = false;
  const tryRate = async (rate: number) => {
    const outcome = await measure(round(rate));
    steps.push(outcome);
    unclear = outcome.inconclusive === true;
    return outcome.ok;
  };
  let good = 0;
  let bad: number | null = null;
  let rate = Math.min(options.start, options.max);
  if (await tryRate(rate)) {
    good = rate;
    while (rate < options.max) {
      rate = Math.min(options.max, rate * 2);
      if (!(await tryRate(rate))) {
        bad = rate;
        break;
      }
      good = rate;
    }
  } else {
    bad = rate;
    while (!unclear && rate / 2 >= options.min) {
      rate /= 2;
      if (await tryRate(rate)) {
        good = rate;
        break;
      }
      bad = rate;
    }
  }
  if (good > 0 && bad !== null) {
    let high: number = bad;
    for (let i = 0; i < options.refinements && high / good > 1.05; i++) {
      const middle: number = (good + high) / 2;
      if (await tryRate(middle)) good = middle;
      else high = middle;
    }
    bad = high;
  }
  return { sustainable: round(good), firstFailing: bad === null ? null : round(bad), steps };
}

/** Rates with 3 significant digits: `12.5`, `1250`, not `1249.999`. */
const round = (rate: number) => Number(rate.toPrecision(3));
