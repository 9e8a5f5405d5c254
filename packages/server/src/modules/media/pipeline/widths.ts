/** Widths `?w=` may ask for: 64 to 2048 in steps of 64, so a CDN caches at most 32 sizes per image. */
export const WIDTH_STEP = 64;
export const MIN_WIDTH = 64;
export const MAX_WIDTH = 2048;

export const ALLOWED_WIDTHS: readonly number[] = Object.freeze(
  Array.from({ length: MAX_WIDTH / WIDTH_STEP }, (_, index) => (index + 1) * WIDTH_STEP),
);

/**
 * The smallest allowed width at least as wide as asked (a browser asking for 650 px should not get 640),
 * clamped to the ends; NaN gets the smallest.
 */
export function snapWidth(requested: number): number {
  if (Number.isNaN(requested) || requested <= MIN_WIDTH) return MIN_WIDTH;
  if (requested >= MAX_WIDTH) return MAX_WIDTH;
  return Math.ceil(requested / WIDTH_STEP) * WIDTH_STEP;
}
