import sharp from 'sharp';

/**
 * libvips loaders left open, by operation name (a name covers its File/Buffer/Source variants).
 * Everything else under `VipsForeignLoad` is blocked: SVG (scripts, external entities), PDF, TIFF,
 * magick, openslide, FITS, vips, raw/dcraw, JPEG 2000, JPEG XL, PPM, Radiance, matrix, CSV, analyze,
 * and any loader a future libvips adds. `Uhdr` is the UltraHDR JPEG loader (JPEGs with a gain map).
 * `Heif` also covers HEIC; the bundled libvips has no HEVC decoder, and uploads are sniffed as HEIC
 * and refused before libvips sees them.
 */
export const ALLOWED_LOADERS = [
  'VipsForeignLoadJpeg',
  'VipsForeignLoadUhdr',
  'VipsForeignLoadPng',
  'VipsForeignLoadWebp',
  'VipsForeignLoadNsgif',
  'VipsForeignLoadHeif',
] as const;

export interface SharpConfig {
  /** libvips threads per image (sharp's default is 1 on glibc Linux, the core count elsewhere). */
  concurrency?: number;
}

let blocked = false;

/** Call once at server start, before any image is read. Safe to call again (e.g. to change concurrency). */
export function configureSharp(options: SharpConfig = {}): void {
  if (!blocked) {
    // Allow-list: block the parent type of every loader, then reopen the few Aperture accepts.
    sharp.block({ operation: ['VipsForeignLoad'] });
    sharp.unblock({ operation: [...ALLOWED_LOADERS] });
    blocked = true;
  }
  // Every input is a different upload, so libvips' operation cache only holds memory (measured: no speed-up).
  sharp.cache(false);
  if (options.concurrency !== undefined) sharp.concurrency(options.concurrency);
}
