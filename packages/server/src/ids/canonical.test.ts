import { describe, expect, it } from 'vitest';
import { compareCanonicalIds, isCanonicalId, MAX_ID } from './canonical.js';
import { createIdGenerator } from './snowflake.js';

describe('canonical ids', () => {
  it('accept every id the generator issues, 0 and 2^63 − 1', () => {
    const ids = createIdGenerator({ nodeId: 8191 });
    for (let i = 0; i < 1_000; i++) expect(isCanonicalId(ids.next())).toBe(true);
    expect(isCanonicalId('0')).toBe(true);
    expect(isCanonicalId(MAX_ID)).toBe(true);
    expect(MAX_ID).toBe(String(2n ** 63n - 1n));
  });

  it('refuse what no BIGINT column holds as written: past 2^63 − 1, signs, padding, other digits', () => {
    for (const value of [
      '9223372036854775808',
      '18446744073709551615',
      '99999999999999999999',
      '-1',
      '+1',
      '007',
      '00',
      '',
      ' 1',
      '1 ',
      '1e3',
      '1.0',
      '0x10',
      '١٢٣',
      '1\u0000',
      1,
      null,
    ]) {
      expect(isCanonicalId(value), JSON.stringify(value)).toBe(false);
    }
  });

  it('order as the numbers they name, across digit counts, without parsing them', () => {
    const ids = [
      '0',
      '9',
      '10',
      '99',
      '100',
      '123456789012345678',
      '999999999999999999',
      '1000000000000000000',
      MAX_ID,
    ];
    const generated = createIdGenerator({ nodeId: 3 });
    for (let i = 0; i < 200; i++) ids.push(generated.next());
    for (const a of ids) {
      for (const b of ids) {
        const numeric = BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0;
        expect(Math.sign(compareCanonicalIds(a, b))).toBe(numeric);
      }
    }
  });
});
