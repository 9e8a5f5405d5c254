import type { FastifyInstance } from 'fastify';
import type { AccountDataService } from '../modules/account-data/service.js';
import type { BlobStore } from '../storage/blob-store.js';

/**
 * `GET /exports/:id/:file?exp=…&sig=…` — an account export's archive, for whoever holds the signed
 * link `accounts.exportStatus` gave its owner (no bearer token: a browser or `curl` can fetch it).
 * A bad signature is SIGNATURE_INVALID, a link past its time SIGNATURE_EXPIRED, an archive removed
 * NOT_FOUND: all as `{ error: { code, message } }`.
 */
export function registerExportRoutes(
  app: FastifyInstance,
  deps: { accountData: AccountDataService; blobs: BlobStore },
): void {
  app.get<{ Params: { id: string; file: string }; Querystring: { exp?: string; sig?: string } }>(
    '/exports/:id/:file',
    async (request, reply) => {
      // Someone's personal data: no shared cache may keep it, whatever the answer.
      void reply.header('cache-control', 'no-store');
      const { id, file } = request.params;
      const archive = await deps.accountData.openArchive(id, file, request.query.exp, request.query.sig);
      const blob = await deps.blobs.get(archive.key);
      return reply
        .header('content-type', 'application/gzip')
        .header('content-length', String(blob.contentLength))
        .header('content-disposition', `attachment; filename="${archive.fileName}"`)
        .header('x-content-type-options', 'nosniff')
        .send(blob.body);
    },
  );
}
