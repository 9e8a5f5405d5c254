/** One step of an arrival-rate schedule: `rate` requests per second for `seconds`. */
export interface Stage {
  rate: number;
  seconds: number;
}

/** Total seconds of a schedule. */
export function scheduleSeconds(stages: readonly Stage[]): number {
  return stages.reduce((sum, s) => sum + s.seconds, 0);
}

/** How many requests a schedule intends to start in all (over every shard). */
export function scheduledCount(stages: readonly Stage[]): number {
  return stages.reduce((sum, s) => sum + Math.round(s.rate * s.seconds), 0);
}

/**
 * The intended start times (ms after the run's start) of shard `shard` of `of`: request k of a
 * stage is due at stageStart + k / rate, and shard i sends every n-th request of the whole run
 * (global index ≡ i mod n). The shards together send exactly the schedule, each at rate / n,
 * interleaved rather than in bursts, and their counts differ by one at most.
 */
export function* intendedStarts(stages: readonly Stage[], shard: number, of: number): Generator<number> {
  let stageStart = 0;
  let before = 0;
  for (const { rate, seconds } of stages) {
    const count = Math.round(rate * seconds);
    for (let k = (((shard - before) % of) + of) % of; k < count; k += of) yield stageStart + (k * 1000) / rate;
    stageStart += seconds * 1000;
    before += count;
  }
}

/** `30s`, `2m`, `500ms` or a bare number of seconds, as seconds. */
export function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!match) throw new RangeError(`"${text}" is not a duration (try 30s, 2m or 500ms)`);
  const value = Number(match[1]);
  const unit = match[2] ?? 's';
  const seconds = unit === 'ms' ? value / 1000 : unit === 'm' ? value * 60 : unit === 'h' ? value * 3600 : value;
  if (seconds <= 0) throw new RangeError(`"${text}" must be longer than zero`);
  return seconds;
}

/** `100:10s,200:10s` (rate:duration pairs) as stages. */
export function parseSteps(text: string): Stage[] {
  const stages = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const [rate, duration, extra] = part.split(':');
      if (rate === undefined || duration === undefined || extra !== undefined) {
        throw new RangeError(`step "${part}" must be rate:duration, like 100:10s`);
      }
      return { rate: positiveRate(rate), seconds: parseDuration(duration) };
    });
  if (stages.length === 0) throw new RangeError('--steps needs at least one rate:duration step');
  return stages;
}

export function positiveRate(text: string): number {
  const rate = Number(text);
  if (!Number.isFinite(rate) || rate <= 0) throw new RangeError(`rate "${text}" must be a number above zero`);
  return rate;
}
