/**
 * Photos in the terminal: detection of what the terminal can draw, rendering of image bytes to
 * lines of text (half blocks, kitty, iTerm2), ThumbHash placeholders, and an on-disk image cache.
 * Pure of any UI: the Ink screens lay out the `lines` they get.
 */
export {
  detectImageSupport,
  IMAGE_PROTOCOLS,
  IMAGES_ENV,
  type ColorDepth,
  type ImageProtocol,
  type TerminalImageSupport,
} from './detect.js';
export { fitImage, type CellBox } from './fit.js';
export { renderImage, type RenderedImage, type RenderImageOptions } from './render.js';
export { clearGraphics } from './protocols.js';
export { renderPlaceholder, type PlaceholderOptions } from './placeholder.js';
export { pickDerivative, type PhotoUrls } from './pick-derivative.js';
export {
  DEFAULT_IMAGE_CACHE_BYTES,
  defaultImageCacheDir,
  ImageCache,
  imageCacheKey,
  type ImageCacheOptions,
} from './cache.js';
