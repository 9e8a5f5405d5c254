import { describe, expect, it } from 'vitest';

import { parsePgTimestamp } from './pg-timestamp.js';

describe('parsePgTimestamp', () => {
  it.each([
    ['2024-05-06 07:08:09.123+00', '2024-05-06T07:08:09.123Z'],
    ['2024-05-06 07:08:09+00', '2024-05-06T07:08:09.000Z'],
    ['2024-05-06 07:08:09.5+00', '2024-05-06T07:08:09.500Z'],
    // Microseconds are truncated, never rounded up into the next millisecond.
    ['2024-05-06 07:08:09.123999+00', '2024-05-06T07:08:09.123Z'],
    ['2024-01-01 05:30:00+05:30', '2024-01-01T00:00:00.000Z'],
    ['2023-12-31 19:00:00-05', '2024-01-01T00:00:00.000Z'],
    ['1900-01-01 00:00:00+00:09:21', '1899-12-31T23:50:39.000Z'],
    // timestamp without time zone is read as UTC.
    ['2024-05-06 07:08:09.123', '2024-05-06T07:08:09.123Z'],
    // Years below 100 stay themselves (Date.UTC would make them 19xx).
    ['0042-03-04 00:00:00+00', '0042-03-04T00:00:00.000Z'],
    ['0001-01-01 00:00:00+00 BC', '0000-01-01T00:00:00.000Z'],
    ['12345-01-01 00:00:00+00', '+012345-01-01T00:00:00.000Z'],
    ['infinity', 'infinity'],
    ['-infinity', '-infinity'],
  ])('%s → %s', (text, iso) => {
    expect(parsePgTimestamp(text)).toBe(iso);
  });

  it('rejects a shape it does not know rather than guessing', () => {
    expect(() => parsePgTimestamp('Mon May 06 07:08:09 2024 UTC')).toThrow(/Unexpected Postgres timestamp/);
  });

  it('reads UTC output of any instant from year 1 to 9999 as toISOString writes it', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const first = Date.UTC(1, 0, 1) - 1_900 * 365.25 * 86_400_000; // Date.UTC maps year 1 to 1901
    const last = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
    for (let i = 0; i < 5_000; i++) {
      const ms = Math.floor(first + random() * (last - first));
      const iso = new Date(ms).toISOString();
      // Postgres prints microseconds without trailing zeros, and none at all for a whole second.
      const micros = `${iso.slice(20, 23)}${String(Math.floor(random() * 1000)).padStart(3, '0')}`.replace(/0+$/, '');
      const text = `${iso.slice(0, 10)} ${iso.slice(11, 19)}${micros ? `.${micros}` : ''}+00`;
      expect(parsePgTimestamp(text)).toBe(iso);
    }
  });
});
