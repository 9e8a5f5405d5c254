import type { FastifyInstance, FastifyReply } from 'fastify';
import type { BlobStore, ByteRange } from '../storage/blob-store.js';
import type { MediaServing, ServableFile } from '../modules/media/serving.js';
import type { AccountsService } from '../modules/accounts/service.js';
import { bearerToken } from './auth.js';

const IMMUTABLE = 'public, max-age=31536000, immutable';
const PRIVATE = 'private, max-age=3600';

interface MediaQuery {
  w?: string;
  exp?: string;
  sig?: string;
}

/** `bytes=a-b`, `bytes=a-`, `bytes=-n`; anything else (several ranges, garbage) means "whole file". */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  const match = header?.match(/^bytes=(\d*)-(\d*)$/);
  if (!match) return undefined;
  const [, from = '', to = ''] = match;
  if (from === '' && to === '') return undefined;
  if (from === '') {
    const suffix = Number(to);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(from);
  if (start >= size) return 'unsatisfiable';
  const end = to === '' ? size - 1 : Math.min(Number(to), size - 1);
  if (end < start) return undefined;
  return { start, end };
}

function setCommonHeaders(reply: FastifyReply, file: ServableFile): void {
  void reply
    .header('content-type', file.contentType)
    .header('x-content-type-options', 'nosniff')
    // Even if a browser opened an image URL as a document, nothing in it could run.
    .header('content-security-policy', "sandbox; default-src 'none'")
    .header('cache-control', file.isPublic ? IMMUTABLE : PRIVATE)
    .header('etag', `"${file.info.etag}"`)
    .header('accept-ranges', 'bytes');
}

/** `GET /media/:id/:file` — derivatives only, through the visibility rule, cache-friendly. */
export function registerMediaRoutes(
  app: FastifyInstance,
  deps: { serving: MediaServing; blobs: BlobStore; accounts: AccountsService },
): void {
  app.get<{ Params: { id: string; file: string }; Querystring: MediaQuery }>(
    '/media/:id/:file',
    async (request, reply) => {
      const { id, file } = request.params;
      const query = request.query;
      if (query.w !== undefined) {
        const width = Number(query.w);
        if (!Number.isInteger(width) || width < 1) {
          return reply
            .status(400)
            .send({ error: { code: 'VALIDATION_FAILED', message: 'w must be a positive integer.' } });
        }
        const target = deps.serving.canonicalWidthFile(file, width);
        const keep = new URLSearchParams();
        if (query.exp) keep.set('exp', query.exp);
        if (query.sig) keep.set('sig', query.sig);
        const search = keep.size > 0 ? `?${keep.toString()}` : '';
        return reply.redirect(`/media/${encodeURIComponent(id)}/${target}${search}`, 302);
      }

      const token = bearerToken(request.headers.authorization);
      const viewer = token ? await deps.accounts.authenticate(token) : null;
      // A refusal depends on who asked: no cache may keep it and hand it to someone else.
      void reply.header('cache-control', 'no-store');
      const served = await deps.serving.resolve({
        mediaId: id,
        file,
        viewerId: viewer?.userId ?? null,
        exp: query.exp,
        sig: query.sig,
      });
      setCommonHeaders(reply, served);
      const inm = request.headers['if-none-match'];
      if (inm && inm.split(',').some((tag) => tag.trim().replace(/^W\//, '') === `"${served.info.etag}"`)) {
        return reply.status(304).send();
      }
      const range = parseRange(request.headers.range, served.info.size);
      if (range === 'unsatisfiable') {
        return reply.status(416).header('content-range', `bytes */${served.info.size}`).send();
      }
      const blob = await deps.blobs.get(served.key, range ? { range } : {});
      void reply.header('content-length', String(blob.contentLength));
      if (blob.range) {
        void reply.status(206).header('content-range', `bytes ${blob.range.start}-${blob.range.end}/${blob.size}`);
      }
      return reply.send(blob.body);
    },
  );
}
