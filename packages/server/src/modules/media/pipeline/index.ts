export { configureSharp, ALLOWED_LOADERS, type SharpConfig } from './configure.js';
export { CONTENT_TYPES, JPEG_OPTIONS, WEBP_OPTIONS } from './decode.js';
export { ImageRejectedError, type ImageRejectionCode } from './errors.js';
export { readExif, type ExifReading } from './exif.js';
export {
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_PIXELS,
  FAIL_ON,
  inspectImage,
  type ImageLimits,
  type InspectedImage,
} from './limits.js';
export { computePerceptualHash, hashOfGrey } from './perceptual-hash.js';
export {
  perceptualHashOfImage,
  processImage,
  THUMB_SIZE,
  VARIANT_WIDTHS,
  type Derivative,
  type ProcessedImage,
  type ProcessImageOptions,
} from './process.js';
export {
  renderFromDerivative,
  renderVariantWidth,
  widthTarget,
  type ImageSize,
  type RenderedVariant,
} from './render.js';
export {
  ACCEPTED_FORMATS,
  FORMAT_CONTENT_TYPES,
  isAcceptedFormat,
  SNIFF_BYTES,
  sniffImageFormat,
  type AcceptedFormat,
  type SniffedFormat,
} from './sniff.js';
export { ALLOWED_WIDTHS, MAX_WIDTH, MIN_WIDTH, snapWidth, WIDTH_STEP } from './widths.js';
