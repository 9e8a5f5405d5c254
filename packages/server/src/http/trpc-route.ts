import type { FastifyInstance } from 'fastify';
import { fastifyRequestHandler } from '@trpc/server/adapters/fastify';
import { LeanQueries, type TrpcOptions } from './trpc-lean-queries.js';

/**
 * Mounts the API at `/trpc/:path`. With `lean`, GET queries (most of the traffic) are answered by
 * `LeanQueries`, which decides from the request alone — before any context is made or procedure
 * runs — whether it can; every other request goes to tRPC's own Fastify handler. Either way a
 * request is authenticated once and each of its procedures runs once.
 */
export function registerTrpcRoutes(app: FastifyInstance, trpcOptions: TrpcOptions, options: { lean: boolean }): void {
  const lean = options.lean ? new LeanQueries(trpcOptions) : undefined;
  void app.register(
    (scope, _opts, done) => {
      // As tRPC's own plugin does: tRPC parses bodies itself.
      scope.removeContentTypeParser('application/json');
      scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, next) => next(null, body));
      scope.removeContentTypeParser('multipart/form-data');
      scope.addContentTypeParser('multipart/form-data', {}, (_req, body, next) => next(null, body));
      scope.all<{ Params: { path: string } }>('/:path', async (req, reply) => {
        const path = req.params.path;
        const queries = lean?.read(req, path);
        if (lean && queries) return lean.answer(queries, req, reply);
        await fastifyRequestHandler({ ...trpcOptions, req, res: reply, path });
      });
      done();
    },
    { prefix: '/trpc' },
  );
}
