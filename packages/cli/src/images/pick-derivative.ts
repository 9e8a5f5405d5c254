import type { PostMediaView } from '@aperture/sdk';
import type { TerminalImageSupport } from './detect.js';

/** What pickDerivative needs of a photo: its derivative URLs (a `PostMediaView` or a `MediaView`). */
export type PhotoUrls = Pick<PostMediaView, 'urls'>;

/**
 * A cell's width in pixels as kitty or iTerm2 draw it (8–10 px on a normal screen, about twice
 * that on a HiDPI one). Half blocks need one pixel per column; real pixels need this many.
 */
const GRAPHICS_PIXELS_PER_COLUMN = 10;
const SMALL_WIDTH = 320;

/**
 * The JPEG derivative to fetch for a photo drawn `columns` cells wide: 320 px wide when that is
 * enough, else 640. JPEG rather than WebP because every decoder (sharp, iTerm2) reads it; the
 * terminal gains nothing from the smaller file. Falls back to whatever width exists.
 * Throws when the photo has no derivatives yet (it is still processing).
 */
export function pickDerivative(media: PhotoUrls, columns: number, support?: TerminalImageSupport): string {
  const graphics = support?.protocol === 'kitty' || support?.protocol === 'iterm';
  const pixelsNeeded = graphics ? columns * GRAPHICS_PIXELS_PER_COLUMN : columns;
  const preferred = pixelsNeeded <= SMALL_WIDTH ? (['w320', 'w640'] as const) : (['w640', 'w320'] as const);
  for (const variant of [...preferred, 'w1080', 'thumb'] as const) {
    const url = media.urls[variant]?.jpg;
    if (url) return url;
  }
  throw new Error('This photo has no image to show yet (it is still being processed).');
}
