import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { BlobStore } from '../../src/storage/blob-store.js';
import {
  PayloadTooLargeError,
  SignatureExpiredError,
  SignatureInvalidError,
  UploadNotFoundError,
} from '../../src/storage/errors.js';
import { LocalBlobStore } from '../../src/storage/disk/local-blob-store.js';
import { S3BlobStore } from '../../src/storage/s3/s3-blob-store.js';
import { UploadSigner } from '../../src/storage/disk/upload-signer.js';
import { S3RVER_CREDENTIALS, S3RVER_REGION, startS3rver } from '../support/s3rver.js';

export interface StoreFixture {
  store: BlobStore;
  /** A second store on the same data whose clock (used when signing URLs) is `clock`. */
  withClock(clock: () => number): BlobStore;
  /** For disk: the root folder, to check nothing is left behind. */
  root?: string;
  teardown(): Promise<void>;
}

export interface Implementation {
  name: 'disk' | 's3';
  setup(): Promise<StoreFixture>;
}

const SECRET = 'contract-suite-secret-0123456789abcdef';

export async function setupDisk(): Promise<StoreFixture & { store: LocalBlobStore; root: string }> {
  const root = await mkdtemp(path.join(tmpdir(), 'aperture-blobs-'));
  let baseUrl = '';
  const make = (clock?: () => number) =>
    new LocalBlobStore({
      root,
      signer: new UploadSigner(SECRET, clock),
      publicUrl: () => baseUrl,
      ...(clock ? { clock } : {}),
    });
  const store = make();
  const server = await startUploadReceiver(store);
  baseUrl = server.baseUrl;
  return {
    store,
    root,
    withClock: make,
    async teardown() {
      await server.close();
      await store.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export async function setupS3(): Promise<StoreFixture> {
  const s3 = await startS3rver();
  const make = (clock?: () => number) =>
    new S3BlobStore({
      bucket: s3.bucket,
      region: S3RVER_REGION,
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: S3RVER_CREDENTIALS,
      // Small pages so that the list tests walk several ListObjectsV2 pages.
      listPageSize: 2,
      ...(clock ? { clock } : {}),
    });
  const store = make();
  const extra: BlobStore[] = [];
  return {
    store,
    withClock(clock) {
      const s = make(clock);
      extra.push(s);
      return s;
    },
    async teardown() {
      for (const s of [store, ...extra]) await s.close();
      await s3.stop();
    },
  };
}

export const IMPLEMENTATIONS: Implementation[] = [
  { name: 'disk', setup: setupDisk },
  { name: 's3', setup: setupS3 },
];

/**
 * Stand-in for Aperture's `PUT /uploads/:token` route, so the disk store's signed URLs can be used by
 * a plain HTTP client here. The real route is tested in the server e2e tests.
 */
async function startUploadReceiver(store: LocalBlobStore): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const match = /^\/uploads\/([^/?]+)$/.exec(req.url ?? '');
    if (req.method !== 'PUT' || !match?.[1]) {
      res.writeHead(404).end();
      return;
    }
    store.receiveSignedUpload(decodeURIComponent(match[1]), req).then(
      ({ etag }) => res.writeHead(200, { etag: `"${etag}"` }).end(),
      (error: unknown) => {
        const status =
          error instanceof SignatureInvalidError || error instanceof SignatureExpiredError
            ? 403
            : error instanceof UploadNotFoundError
              ? 404
              : error instanceof PayloadTooLargeError
                ? 413
                : 500;
        res.writeHead(status, { connection: 'close' }).end(error instanceof Error ? error.name : 'error');
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export function md5(data: Buffer): string {
  return createHash('md5').update(data).digest('hex');
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** PUT with the platform's fetch, as a browser or curl would: no SDK, no Aperture code. */
export async function httpPut(
  target: { url: string; headers: Record<string, string> },
  body: Buffer,
): Promise<Response> {
  return fetch(target.url, { method: 'PUT', headers: target.headers, body: new Uint8Array(body) });
}

export function unquote(etag: string | null): string {
  return (etag ?? '').replaceAll('"', '');
}
