import type { FastifyInstance } from 'fastify';
import { LocalBlobStore } from '../storage/local-blob-store.js';
import type { BlobStore } from '../storage/blob-store.js';

/** The largest single PUT the disk store accepts; multipart parts are far smaller (8 MiB). */
export const MAX_SIGNED_PUT_BYTES = 64 * 1024 * 1024;

/**
 * `PUT /uploads/:token`: the disk store's stand-in for an S3 presigned PUT. The HMAC-signed token
 * names the key (and part); nothing else about the request is trusted.
 */
export function registerUploadRoutes(app: FastifyInstance, blobs: BlobStore): void {
  if (!(blobs instanceof LocalBlobStore)) return;
  const store = blobs;
  void app.register(async (scope) => {
    // Bytes are streamed straight to disk: no content type is parsed, whatever the client sends.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    scope.put<{ Params: { token: string } }>('/uploads/:token', async (request, reply) => {
      const { etag, size } = await store.receiveSignedUpload(request.params.token, request.raw, {
        maxBytes: MAX_SIGNED_PUT_BYTES,
      });
      return reply.header('etag', `"${etag}"`).send({ etag, size });
    });
  });
}
