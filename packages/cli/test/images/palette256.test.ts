import { describe, expect, it } from 'vitest';
import { toXterm256 } from '../../src/images/palette256.js';

describe('toXterm256', () => {
  it('maps pure colours to their cube corners', () => {
    expect(toXterm256(0xff, 0, 0)).toBe(196);
    expect(toXterm256(0, 0xff, 0)).toBe(46);
    expect(toXterm256(0, 0, 0xff)).toBe(21);
    expect(toXterm256(0, 0, 0)).toBe(16);
    expect(toXterm256(0xff, 0xff, 0xff)).toBe(231);
    expect(toXterm256(0xff, 0xff, 0)).toBe(226);
  });

  it('maps colours on the cube levels exactly', () => {
    // 95, 135, 175 are levels 1, 2, 3: 16 + 36·1 + 6·2 + 3.
    expect(toXterm256(95, 135, 175)).toBe(67);
    expect(toXterm256(215, 95, 0)).toBe(166);
  });

  it('picks the grey ramp for mid greys the cube only approximates', () => {
    expect(toXterm256(0x80, 0x80, 0x80)).toBe(244); // ramp step 12 is exactly 128
    expect(toXterm256(0x30, 0x30, 0x30)).toBe(236); // 48: the cube offers 0 or 95
    expect(toXterm256(0xee, 0xee, 0xee)).toBe(255); // 238, the lightest grey step
  });

  it('prefers the cube grey when it is the nearer one', () => {
    // 135 is a cube level (16 + 36·2 + 6·2 + 2 = 102); the ramp's nearest is 138.
    expect(toXterm256(135, 135, 135)).toBe(102);
  });

  it('rounds channels to the nearest (unevenly spaced) level', () => {
    expect(toXterm256(47, 0, 200)).toBe(20); // red below the 0/95 midpoint, blue 200 → 215
    expect(toXterm256(48, 0, 200)).toBe(56); // red at the midpoint: level 1
    expect(toXterm256(250, 10, 10)).toBe(196);
  });
});
