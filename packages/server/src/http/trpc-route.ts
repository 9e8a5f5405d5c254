import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fastifyRequestHandler, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import type { AnyProcedure } from '@trpc/server';
import type { AppRouter } from '../api/router.js';

type TrpcOptions = FastifyTRPCPluginOptions<AppRouter>['trpcOptions'];

/**
 * Mounts the API at `/trpc/:path`. Successful GET queries (the feed, profiles, lists: most of the
 * traffic) take a lean path that calls the procedures directly and writes the JSON tRPC would
 * write; everything else — mutations, subscriptions (SSE), streaming batches, unparseable input,
 * and any call that fails — goes through tRPC's own Fastify handler, so errors, status codes and
 * headers come from tRPC itself. The stock adapter turns every request into a Fetch `Request` and
 * its answer into a `Response` stream; for a query that costs more than a cached SQLite read.
 * The wire protocol is unchanged (`test/e2e/trpc-route.e2e.test.ts` compares both paths).
 */
export function registerTrpcRoutes(app: FastifyInstance, trpcOptions: TrpcOptions, options: { lean: boolean }): void {
  void app.register(
    (scope, _opts, done) => {
      // As tRPC's own plugin does: tRPC parses bodies itself.
      scope.removeContentTypeParser('application/json');
      scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, next) => next(null, body));
      scope.removeContentTypeParser('multipart/form-data');
      scope.addContentTypeParser('multipart/form-data', {}, (_req, body, next) => next(null, body));
      scope.all<{ Params: { path: string } }>('/:path', async (req, reply) => {
        const path = req.params.path;
        if (options.lean && (await answerQueries(req, reply, path, trpcOptions))) return;
        await fastifyRequestHandler({ ...trpcOptions, req, res: reply, path });
      });
      done();
    },
    { prefix: '/trpc' },
  );
}

/** Answers a GET of one or a batch of queries; false (nothing sent) when the stock handler must. */
async function answerQueries(
  req: FastifyRequest,
  reply: FastifyReply,
  path: string,
  trpcOptions: TrpcOptions,
): Promise<boolean> {
  if (req.method !== 'GET' || wantsStream(req)) return false;
  const query = req.query as Record<string, string | undefined>;
  const batch = query['batch'] === '1';
  const paths = batch ? path.split(',') : [path];
  // A batch over the cap is refused by tRPC's handler (BATCH_TOO_LARGE), before any context is
  // made or procedure runs: one answer for both paths, whatever the method.
  if (batch && trpcOptions.maxBatchSize !== undefined && paths.length > trpcOptions.maxBatchSize) return false;
  // A flat map by full path at runtime (its declared type is the nested record).
  const procedures = trpcOptions.router._def.procedures as unknown as Record<string, AnyProcedure | undefined>;
  const calls = paths.map((p) => procedures[p]);
  if (calls.some((procedure) => procedure?._def.type !== 'query')) return false;
  const inputs = parseInputs(query['input'], batch, paths.length);
  if (!inputs) return false;

  let ctx: Awaited<ReturnType<NonNullable<TrpcOptions['createContext']>>>;
  try {
    ctx = await trpcOptions.createContext({
      req,
      res: reply,
      info: {
        isBatchCall: batch,
        // Who is called decides which per-client limits apply (see createContext).
        calls: paths.map((p, i) => ({
          path: p,
          getRawInput: () => Promise.resolve(inputs[i]),
          result: () => inputs[i],
          procedure: calls[i] ?? null,
          batchIndex: i,
        })),
        accept: null,
        type: 'query',
        connectionParams: null,
        signal: new AbortController().signal,
        url: null,
      },
    });
  } catch {
    return false;
  }
  const results = await Promise.all(
    calls.map((procedure, i) =>
      procedure!({
        path: paths[i]!,
        getRawInput: () => Promise.resolve(inputs[i]),
        ctx,
        type: 'query',
        signal: undefined,
        batchIndex: i,
      }).then(
        (data: unknown) => ({ ok: true as const, data }),
        () => ({ ok: false as const }),
      ),
    ),
  );
  // A failed call is answered by tRPC itself (running the queries again): error shapes, status
  // codes, `onError` logging and headers such as Retry-After stay exactly tRPC's.
  if (results.some((r) => !r.ok)) return false;
  const envelopes = results.map((r) => ({ result: { data: r.ok ? r.data : undefined } }));
  await reply
    .header('vary', 'trpc-accept, accept')
    .header('content-type', 'application/json')
    // A Buffer, not a string: Fastify would append `; charset=utf-8` to a string's content type.
    .send(Buffer.from(JSON.stringify(batch ? envelopes : envelopes[0])));
  return true;
}

/** `httpBatchStreamLink` asks for JSON lines; that path stays tRPC's. */
function wantsStream(req: FastifyRequest): boolean {
  const accept = req.headers['trpc-accept'] ?? req.headers.accept ?? '';
  return String(accept).includes('application/jsonl');
}

function parseInputs(raw: string | undefined, batch: boolean, count: number): unknown[] | undefined {
  if (raw === undefined) return Array.from({ length: count }, () => undefined);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!batch) return [parsed];
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const byIndex = parsed as Record<string, unknown>;
  return Array.from({ length: count }, (_, i) => byIndex[String(i)]);
}
