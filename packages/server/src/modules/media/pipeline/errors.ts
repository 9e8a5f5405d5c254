import { CodedError } from '../../../errors/coded-error.js';
import type { ErrorCode } from '../../../errors/codes.js';

export type ImageRejectionCode = Extract<
  ErrorCode,
  'UNSUPPORTED_MEDIA_TYPE' | 'FILE_TOO_LARGE' | 'IMAGE_TOO_LARGE' | 'IMAGE_CORRUPT' | 'MEDIA_BLOCKED'
>;

/** The uploaded file cannot become media. The message is meant for the uploader; `code` is in the error table. */
export class ImageRejectedError extends CodedError {
  override readonly name = 'ImageRejectedError';

  constructor(
    override readonly code: ImageRejectionCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/**
 * Maps what sharp/libvips throws while reading an upload. Only for errors raised by reading the
 * input: a failure while encoding from already-decoded pixels is Aperture's problem, not the file's.
 */
export function rejectionFromDecodeError(error: unknown): ImageRejectedError {
  if (error instanceof ImageRejectedError) return error;
  const text = error instanceof Error ? error.message : String(error);
  if (/exceeds pixel limit/i.test(text)) {
    return new ImageRejectedError('IMAGE_TOO_LARGE', 'The image has more pixels than the limit.', { cause: error });
  }
  if (/unsupported image format|is blocked/i.test(text)) {
    return new ImageRejectedError('UNSUPPORTED_MEDIA_TYPE', 'This image format is not accepted.', { cause: error });
  }
  // Everything else libvips reports about an input (corrupt header, premature end, bad frame data,
  // libpng/libjpeg/libwebp errors) means the file cannot be decoded faithfully.
  return new ImageRejectedError('IMAGE_CORRUPT', 'The image is damaged or truncated and cannot be decoded.', {
    cause: error,
  });
}
