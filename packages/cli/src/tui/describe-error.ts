import { ApertureError, NetworkError } from '@aperture/sdk';

/** One line for a failed request, as the status line and inline error states show it. */
export function describeError(error: unknown): string {
  // The SDK's network message already names the server and the cause.
  if (error instanceof NetworkError) return error.message;
  if (error instanceof ApertureError) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}
