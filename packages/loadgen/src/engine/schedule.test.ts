import { describe, expect, it } from 'vitest';
import { intendedStarts, parseDuration, parseSteps, scheduledCount } from './schedule.js';

describe('schedule', () => {
  it('shards together start exactly the schedule, each at rate / n', () => {
    const stages = [
      { rate: 10, seconds: 2 },
      { rate: 25, seconds: 1 },
    ];
    const shards = [0, 1, 2].map((i) => [...intendedStarts(stages, i, 3)]);
    const merged = shards.flat().sort((a, b) => a - b);
    const single = [...intendedStarts(stages, 0, 1)];

    expect(merged).toEqual(single);
    expect(single).toHaveLength(scheduledCount(stages));
    expect(single).toHaveLength(45);
    // Stage one: every 100 ms from 0; stage two: every 40 ms from 2 s.
    expect(single.slice(0, 3)).toEqual([0, 100, 200]);
    expect(single.slice(20, 23)).toEqual([2000, 2040, 2080]);
    expect(shards.map((s) => s.length)).toEqual([15, 15, 15]);
  });

  it('parses steps and durations, and says what is wrong', () => {
    expect(parseSteps('100:10s, 200:500ms,50:1m')).toEqual([
      { rate: 100, seconds: 10 },
      { rate: 200, seconds: 0.5 },
      { rate: 50, seconds: 60 },
    ]);
    expect(parseDuration('30')).toBe(30);
    expect(() => parseSteps('100')).toThrow(/rate:duration/);
    expect(() => parseSteps('0:10s')).toThrow(/above zero/);
    expect(() => parseDuration('ten')).toThrow(/not a duration/);
  });
});
