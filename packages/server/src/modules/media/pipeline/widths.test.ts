import { describe, expect, it } from 'vitest';
import { ALLOWED_WIDTHS, snapWidth } from './widths.js';

describe('snapWidth', () => {
  it.each([
    [Number.NaN, 64],
    [Number.NEGATIVE_INFINITY, 64],
    [-100, 64],
    [0, 64],
    [1, 64],
    [64, 64],
    [65, 128],
    [100.5, 128],
    [320, 320],
    [640, 640],
    [650, 704],
    [1080, 1088],
    [2047, 2048],
    [2048, 2048],
    [4000, 2048],
    [Number.POSITIVE_INFINITY, 2048],
  ])('%d → %d', (requested, expected) => {
    expect(snapWidth(requested)).toBe(expected);
  });

  it('always answers one of ALLOWED_WIDTHS, never narrower than asked inside the range', () => {
    for (let requested = 1; requested <= 2100; requested += 7) {
      const snapped = snapWidth(requested);
      expect(ALLOWED_WIDTHS).toContain(snapped);
      if (requested <= 2048) expect(snapped).toBeGreaterThanOrEqual(requested);
    }
  });
});

describe('ALLOWED_WIDTHS', () => {
  it('is 64 to 2048 in steps of 64', () => {
    expect(ALLOWED_WIDTHS).toHaveLength(32);
    expect(ALLOWED_WIDTHS[0]).toBe(64);
    expect(ALLOWED_WIDTHS.at(-1)).toBe(2048);
    expect(ALLOWED_WIDTHS.every((width, index) => width === (index + 1) * 64)).toBe(true);
  });
});
