/** The six levels of each channel in the xterm 6×6×6 colour cube (indices 16–231). */
const CUBE_LEVELS = [0, 95, 135, 175, 215, 255] as const;
const CUBE_START = 16;
/** The grey ramp (indices 232–255): 24 steps from 8 to 238, 10 apart. */
const GREY_START = 232;
const GREY_STEPS = 24;

/**
 * The xterm-256 index nearest to an RGB colour: the best cube entry or the best grey, whichever is
 * closer. The 16 system colours are left out on purpose: users re-theme them, so they are not
 * the colours they claim to be.
 */
export function toXterm256(r: number, g: number, b: number): number {
  const ri = nearestCubeLevel(r);
  const gi = nearestCubeLevel(g);
  const bi = nearestCubeLevel(b);
  const cube = CUBE_START + 36 * ri + 6 * gi + bi;
  const cubeDistance = distance(r, g, b, level(ri), level(gi), level(bi));

  const greyIndex = Math.min(GREY_STEPS - 1, Math.max(0, Math.round(((r + g + b) / 3 - 8) / 10)));
  const grey = 8 + 10 * greyIndex;
  const greyDistance = distance(r, g, b, grey, grey, grey);
  // Ties go to the cube: it holds pure black and white, which the ramp does not.
  return greyDistance < cubeDistance ? GREY_START + greyIndex : cube;
}

function nearestCubeLevel(value: number): number {
  // The levels are not evenly spaced (0 then 95, 135, …, 40 apart), so the thresholds are the midpoints.
  if (value < 48) return 0;
  if (value < 115) return 1;
  return Math.min(5, Math.floor((value - 35) / 40));
}

function level(index: number): number {
  return CUBE_LEVELS[index] ?? 0;
}

function distance(r1: number, g1: number, b1: number, r2: number, g2: number, b2: number): number {
  return (r1 - r2) ** 2 + (g1 - g2) ** 2 + (b1 - b2) ** 2;
}
