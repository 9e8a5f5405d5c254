import { codeForStatus, isServerErrorCode } from '../error-codes.js';
import { createApertureError } from '../error-mapping.js';
import { NetworkError, type ApertureError } from '../errors.js';
import { parseRetryAfter, type FetchFunction } from '../http.js';

/** Where one PUT goes, as the server signed it. */
export interface PutTarget {
  method: 'PUT';
  url: string;
  headers: Record<string, string>;
}

// Small enough that progress moves smoothly, large enough not to cost anything.
const CHUNK_BYTES = 64 * 1024;

/**
 * PUTs `bytes` to a signed target with exactly its headers, calling `onSent` as each chunk is
 * handed to the network, and returns the ETag without quotes (undefined when none came back).
 * Rejects with an {@link ApertureError}: the server's code for its own `/uploads` URLs, S3's
 * expiry as `SIGNATURE_EXPIRED`, otherwise the code of the HTTP status; `NETWORK_ERROR` when no
 * answer came back.
 */
export async function putBytes(
  fetchImpl: FetchFunction,
  target: PutTarget,
  bytes: Uint8Array,
  options: { signal: AbortSignal; onSent: (bytes: number) => void },
): Promise<string | undefined> {
  let offset = 0;
  // A pull stream hands over one chunk whenever the connection asks for more, so the count is
  // what was actually given to the socket, not what was queued.
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (offset >= bytes.byteLength) {
          controller.close();
          return;
        }
        const chunk = bytes.subarray(offset, offset + CHUNK_BYTES);
        offset += chunk.byteLength;
        options.onSent(chunk.byteLength);
        controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
  let response: Response;
  try {
    response = await fetchImpl(target.url, {
      method: target.method,
      // A stream body would otherwise go out chunked, which S3 refuses for a presigned PUT.
      headers: { ...target.headers, 'content-length': String(bytes.byteLength) },
      body,
      signal: options.signal,
      // Node's fetch needs this for a stream body.
      duplex: 'half',
    });
  } catch (error) {
    throw new NetworkError('NETWORK_ERROR', `Could not send the upload to ${hostOf(target.url)}${detail(error)}.`, {
      status: 0,
      cause: error,
    });
  }
  const text = await response.text().catch(() => '');
  if (!response.ok) throw putError(response.status, text, parseRetryAfter(response.headers.get('retry-after')));
  return response.headers.get('etag')?.replaceAll('"', '') ?? undefined;
}

/**
 * Whether fresh URLs may succeed where this target failed: a 403 is how both stores say a
 * signature ran out (S3 does not always say why), and a fresh URL is worth one try either way.
 */
export function needsFreshTarget(error: ApertureError): boolean {
  return error.status === 403;
}

function putError(status: number, text: string, retryAfter: number | undefined): ApertureError {
  const own = ownError(text);
  if (own) return createApertureError(own.code, own.message, { status, retryAfter });
  // S3 answers in XML: `<Code>AccessDenied</Code><Message>Request has expired</Message>`.
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1];
  const code = status === 403 && /expired/i.test(message ?? '') ? 'SIGNATURE_EXPIRED' : codeForStatus(status);
  return createApertureError(code, message ?? `The upload target answered with HTTP ${status}.`, {
    status,
    retryAfter,
  });
}

/** The body of the server's own `/uploads` errors: `{ error: { code, message } }`. */
function ownError(text: string) {
  try {
    const error = (JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }).error;
    if (isServerErrorCode(error?.code) && typeof error.message === 'string') {
      return { code: error.code, message: error.message };
    }
  } catch {
    // Not ours.
  }
  return undefined;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the upload target';
  }
}

function detail(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  const code = (cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? ` (${code})` : '';
}
