/** Deterministic PRNG (mulberry32) so a seed number reproduces a dataset (also the demo's world). */
export type Random = () => number;

export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stream of its own for one item (a post's caption), so it does not depend on generation order. */
export function substream(seed: number, ...parts: number[]): Random {
  let h = seed >>> 0;
  for (const p of parts) h = Math.imul(h ^ (p >>> 0), 0x9e3779b1) ^ (h >>> 15);
  return mulberry32(h);
}
