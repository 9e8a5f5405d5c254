/**
 * A k6-style pass/fail rule on a run: `feed.p99<200ms`, `errors<1%`, `throughput>=500`. A latency
 * statistic judges the successful requests (`p99`), or every request with `_all` (`p99_all`):
 * failed and timed-out ones too, at the time they took to fail.
 */
export type Threshold =
  | {
      text: string;
      kind: 'latency';
      metric: string;
      stat: LatencyStat;
      requests: 'successful' | 'all';
      op: Operator;
      ms: number;
    }
  | { text: string; kind: 'ratio'; of: RatioOf; op: Operator; ratio: number }
  | { text: string; kind: 'throughput'; op: Operator; perSecond: number };

export type Operator = '<' | '<=' | '>' | '>=';
export const LATENCY_STATS = ['min', 'mean', 'avg', 'p50', 'p90', 'p99', 'p99.9', 'max'] as const;
export type LatencyStat = (typeof LATENCY_STATS)[number];
/** Shares of the iterations that were due: failed (+ dropped), late starts, dropped starts. */
export type RatioOf = 'errors' | 'late' | 'dropped';

export class ThresholdSyntaxError extends Error {
  override name = 'ThresholdSyntaxError';
}

const UNIT_MS: Record<string, number> = { us: 0.001, µs: 0.001, ms: 1, s: 1000, m: 60_000 };
const SHAPE = /^\s*([a-z][\w.-]*?)\s*(<=|>=|<|>)\s*(\d+(?:\.\d+)?)\s*(%|us|µs|ms|s|m|\/s)?\s*$/i;

export function parseThreshold(text: string): Threshold {
  const match = SHAPE.exec(text);
  if (!match) {
    throw new ThresholdSyntaxError(
      `threshold "${text}" is not like 'feed.p99<200ms', 'errors<1%' or 'throughput>100' (quote it in the shell)`,
    );
  }
  const [, subject = '', op = '<', number = '0', unit] = match;
  const value = Number(number);
  const operator = op as Operator;
  const name = subject.toLowerCase();
  if (name === 'errors' || name === 'late' || name === 'dropped') {
    if (unit !== '%') throw new ThresholdSyntaxError(`threshold "${text}": ${name} is a percentage, like ${name}<1%`);
    return { text, kind: 'ratio', of: name, op: operator, ratio: value / 100 };
  }
  if (name === 'throughput') {
    if (unit !== undefined && unit !== '/s') {
      throw new ThresholdSyntaxError(`threshold "${text}": throughput is in requests per second, like throughput>100`);
    }
    return { text, kind: 'throughput', op: operator, perSecond: value };
  }
  const dot = findStat(name);
  if (!dot) {
    throw new ThresholdSyntaxError(
      `threshold "${text}": say which statistic, one of ${LATENCY_STATS.join(', ')}, with _all for every request (like feed.p99<200ms or feed.p99_all<500ms)`,
    );
  }
  if (unit === undefined || unit === '%' || unit === '/s') {
    throw new ThresholdSyntaxError(`threshold "${text}": a latency needs a unit (us, ms, s or m), like 200ms`);
  }
  return {
    text,
    kind: 'latency',
    metric: dot.metric,
    stat: dot.stat,
    requests: dot.all ? 'all' : 'successful',
    op: operator,
    ms: value * UNIT_MS[unit.toLowerCase()]!,
  };
}

/** `feed.p99.9` → feed + p99.9; `upload.p99` → upload + p99; `feed.p99_all` → feed + p99 of all requests. */
function findStat(name: string): { metric: string; stat: LatencyStat; all: boolean } | undefined {
  const all = name.endsWith('_all');
  const bare = all ? name.slice(0, -'_all'.length) : name;
  for (const stat of [...LATENCY_STATS].sort((a, b) => b.length - a.length)) {
    if (bare.endsWith(`.${stat}`) && bare.length > stat.length + 1) {
      return { metric: bare.slice(0, -(stat.length + 1)), stat, all };
    }
  }
  return undefined;
}
