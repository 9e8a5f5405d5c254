import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HashSet, hammingDistance, hashHalves, popcount32 } from './hashes.js';

const randomHash = () => randomBytes(8).toString('hex');

/** The distance the slow, obvious way: BigInt XOR, bit by bit. */
function slowDistance(a: string, b: string): number {
  let x = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let bits = 0;
  while (x > 0n) {
    bits += Number(x & 1n);
    x >>= 1n;
  }
  return bits;
}

describe('hash distance', () => {
  it('counts set bits of 32-bit values', () => {
    expect(popcount32(0)).toBe(0);
    expect(popcount32(0xffffffff)).toBe(32);
    expect(popcount32(0x80000001)).toBe(2);
    expect(popcount32(0x0f0f0f0f)).toBe(16);
  });

  it('agrees with a BigInt count on random pairs, the top bit included', () => {
    expect(hammingDistance('0000000000000000', 'ffffffffffffffff')).toBe(64);
    expect(hammingDistance('8000000000000000', '0000000000000001')).toBe(2);
    for (let i = 0; i < 1_000; i++) {
      const [a, b] = [randomHash(), randomHash()];
      expect(hammingDistance(a, b)).toBe(slowDistance(a, b));
    }
  });

  it('refuses what is not 16 lower-case hex digits', () => {
    for (const bad of ['', 'abc', '0123456789ABCDEF', '0123456789abcdefa', 'g123456789abcdef', ' 123456789abcdef']) {
      expect(() => hashHalves(bad), bad).toThrow('Not a perceptual hash');
    }
  });
});

describe('HashSet', () => {
  it('finds the nearest hash within the distance, and nothing beyond it', () => {
    const set = new HashSet(['00000000000000ff', 'ffff000000000000', '0000000000000000']);
    expect(set.nearest('0000000000000001', 8)).toEqual({ hash: '0000000000000000', distance: 1 });
    expect(set.nearest('00000000000000fe', 8)).toEqual({ hash: '00000000000000ff', distance: 1 });
    expect(set.nearest('0f0f0f0f0f0f0f0f', 8)).toBeUndefined();
    expect(new HashSet([]).nearest('0000000000000000', 64)).toBeUndefined();
  });

  it('scans 100,000 entries in well under a millisecond per upload', () => {
    const hashes = Array.from({ length: 100_000 }, randomHash);
    const set = new HashSet(hashes);
    const probes = Array.from({ length: 200 }, randomHash);
    probes.push(hashes[77_777]!);
    for (const probe of probes.slice(0, 20)) set.nearest(probe, 8); // warm up the JIT
    const started = performance.now();
    let found = 0;
    for (const probe of probes) if (set.nearest(probe, 8)) found++;
    const perScan = (performance.now() - started) / probes.length;
    console.log(`HashSet: one scan of 100,000 hashes took ${perScan.toFixed(3)} ms`);
    expect(found).toBeGreaterThanOrEqual(1);
    // Generous for a shared CI machine; under 1 ms on the 2-core development machine.
    expect(perScan).toBeLessThan(10);
  });
});
