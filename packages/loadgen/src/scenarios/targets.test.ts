import { describe, expect, it } from 'vitest';
import { describeTargets, TargetAssigner, targetsOf } from './targets.js';

describe('TargetAssigner', () => {
  const a = 'http://127.0.0.1:4001';
  const b = 'http://127.0.0.1:4002';

  it('gives each new user the next target in turn, and the same one ever after', () => {
    const assigner = new TargetAssigner([a, b]);
    expect(['u1', 'u2', 'u3', 'u4'].map((u) => assigner.targetFor(u))).toEqual([a, b, a, b]);
    expect(['u2', 'u1', 'u4', 'u3', 'u2'].map((u) => assigner.targetFor(u))).toEqual([b, a, b, a, b]);
  });

  it('spreads requests made as nobody over every target', () => {
    const assigner = new TargetAssigner([a, b]);
    expect([1, 2, 3].map(() => assigner.targetFor(undefined))).toEqual([a, b, a]);
  });

  it('with one target sends everything there, and refuses none', () => {
    const assigner = new TargetAssigner([a]);
    expect([assigner.targetFor('u1'), assigner.targetFor('u2'), assigner.targetFor(undefined)]).toEqual([a, a, a]);
    expect(() => new TargetAssigner([])).toThrow(RangeError);
  });

  it('reads the targets from the scenario options: `targets` when given, else `target`', () => {
    expect(targetsOf({ target: a })).toEqual([a]);
    expect(targetsOf({ target: a, targets: [] })).toEqual([a]);
    expect(targetsOf({ target: a, targets: [a, b] })).toEqual([a, b]);
    expect(describeTargets({ target: a, targets: [a, b] })).toBe(`${a}, ${b}`);
  });
});
