import type { BlobStore } from './blob-store.js';
import { LocalBlobStore } from './disk/local-blob-store.js';
import { S3BlobStore } from './s3/s3-blob-store.js';
import { UploadSigner } from './disk/upload-signer.js';

export type * from './blob-store.js';
export * from './errors.js';
export { LocalBlobStore } from './disk/local-blob-store.js';
export type { LocalBlobStoreOptions } from './disk/local-blob-store.js';
export { MIN_PART_SIZE } from './disk/multipart.js';
export { MAX_PART_NUMBER } from './checks.js';
export { S3BlobStore } from './s3/s3-blob-store.js';
export type { S3BlobStoreOptions } from './s3/s3-blob-store.js';
export { UploadSigner } from './disk/upload-signer.js';
export type { UploadClaims } from './disk/upload-signer.js';

export type BlobStoreConfig =
  | { kind: 'disk'; root: string }
  | { kind: 's3'; bucket: string; region: string; endpoint?: string; forcePathStyle?: boolean };

/** The one place that picks a BlobStore implementation. S3 credentials come from the SDK's default chain. */
export function createBlobStore(config: BlobStoreConfig, deps: { secret: string; publicUrl: () => string }): BlobStore {
  switch (config.kind) {
    case 'disk':
      return new LocalBlobStore({
        root: config.root,
        signer: new UploadSigner(deps.secret),
        publicUrl: deps.publicUrl,
      });
    case 's3':
      return new S3BlobStore({
        bucket: config.bucket,
        region: config.region,
        ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
        ...(config.forcePathStyle === undefined ? {} : { forcePathStyle: config.forcePathStyle }),
      });
  }
}
