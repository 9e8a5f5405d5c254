import type { FastifyInstance } from 'fastify';
import type { BlobStore } from '../storage/blob-store.js';
import type { FreeSpaceGuard } from '../storage/free-space.js';

/**
 * `PUT /uploads/:token`: the stand-in for an S3 presigned PUT, mounted only for a store that
 * receives its own signed uploads (the disk store). The HMAC-signed token names the key (and
 * part); nothing else about the request is trusted.
 */
export function registerUploadRoutes(
  app: FastifyInstance,
  deps: { blobs: BlobStore; space: Pick<FreeSpaceGuard, 'assertRoom'>; maxBytes: number },
): void {
  const receive = deps.blobs.receiveSignedUpload?.bind(deps.blobs);
  if (!receive) return;
  void app.register(async (scope) => {
    // Bytes are streamed straight to the store: no content type is parsed, whatever the client sends.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    scope.put<{ Params: { token: string } }>('/uploads/:token', async (request, reply) => {
      // STORAGE_FULL before reading a byte of a body the disk has no room for.
      await deps.space.assertRoom();
      const { etag, size } = await receive(request.params.token, request.raw, {
        // No PUT may exceed the largest accepted upload; completion checks the exact size.
        maxBytes: deps.maxBytes,
      });
      return reply.header('etag', `"${etag}"`).send({ etag, size });
    });
  });
}
