import type { FastifyInstance } from 'fastify';
import { LocalBlobStore } from '../storage/local-blob-store.js';
import type { BlobStore } from '../storage/blob-store.js';

/**
 * `PUT /uploads/:token`: the disk store's stand-in for an S3 presigned PUT. The HMAC-signed token
 * names the key (and part); nothing else about the request is trusted.
 */
export function registerUploadRoutes(app: FastifyInstance, blobs: BlobStore, maxBytes: number): void {
  if (!(blobs instanceof LocalBlobStore)) return;
  const store = blobs;
  void app.register(async (scope) => {
    // Bytes are streamed straight to disk: no content type is parsed, whatever the client sends.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    scope.put<{ Params: { token: string } }>('/uploads/:token', async (request, reply) => {
      const { etag, size } = await store.receiveSignedUpload(request.params.token, request.raw, {
        // No PUT may exceed the largest accepted upload; completion checks the exact size.
        maxBytes,
      });
      return reply.header('etag', `"${etag}"`).send({ etag, size });
    });
  });
}
