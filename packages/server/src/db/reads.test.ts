import { describe, expect, it } from 'vitest';

import { parseLsn } from './reads.js';

describe('parseLsn', () => {
  it('orders WAL positions as Postgres does: the high word first', () => {
    expect(parseLsn('0/3000060')).toBe(0x3000060n);
    expect(parseLsn('1/0')).toBe(1n << 32n);
    expect(parseLsn('0/FFFFFFFF') < parseLsn('1/0')).toBe(true);
    expect(parseLsn('16/B374D848') > parseLsn('16/B374D847')).toBe(true);
    expect(parseLsn('FFFFFFFF/FFFFFFFF')).toBe((1n << 64n) - 1n);
  });

  it('refuses what is not a WAL position', () => {
    for (const text of ['', '0', '0/', '/1', '0/1/2', 'g/1', '0/100000000', ' 0/1']) {
      expect(() => parseLsn(text)).toThrow(/not a WAL position/);
    }
  });
});
