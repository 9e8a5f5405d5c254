import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  getTRPCErrorFromUnknown,
  getTRPCErrorShape,
  transformTRPCResponse,
  type AnyTRPCProcedure,
  type TRPCError,
} from '@trpc/server';
import { getHTTPStatusCode, type TRPCRequestInfo } from '@trpc/server/http';
import { createURL } from '@trpc/server/adapters/node-http';
import type { FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import type { RequestContext } from '../api/context.js';
import type { AppRouter } from '../api/router.js';
import { createCallerFactory } from '../api/trpc.js';
import {
  abortedWithClient,
  acceptHeader,
  isDataStream,
  QueryParams,
  ResponseHeaders,
  streamRefused,
} from './trpc-wire.js';

export type TrpcOptions = FastifyTRPCPluginOptions<AppRouter>['trpcOptions'];

/** A GET of one query or a batch of queries, read in full before anything runs. */
export interface QueryRequest {
  batch: boolean;
  /** tRPC's reading of the `trpc-accept` / `accept` headers: never JSON lines here. */
  accept: string | null;
  calls: QueryCall[];
}

interface QueryCall {
  path: string;
  procedure: AnyTRPCProcedure;
  input: unknown;
}

/** One call's end: its data, or the error tRPC would report for it. */
type Outcome = { ok: true; data: unknown } | { ok: false; error: TRPCError };

type Callable = (input: unknown) => Promise<unknown>;

/**
 * Answers GET queries — the feed, profiles, lists: most of the traffic — the way tRPC's own
 * Fastify handler does, without its detour through a Fetch `Request` and a streamed `Response`
 * (measured: that detour cost more than a cached SQLite read; docs/performance.md).
 *
 * `read` decides from the request alone, before a context is made or a procedure runs, whether
 * this path may answer; everything else (mutations, subscriptions, JSON-lines batches, unknown
 * paths, inputs tRPC would refuse to parse) is left to tRPC's handler. An answered request runs
 * each procedure once, through tRPC's server-side caller, and its successes and failures are
 * written with tRPC's own functions — error shape (our `errorFormatter` included), HTTP status
 * (207 for a batch of mixed outcomes), `onError`, `responseMeta` and JSON — so the bytes match.
 * `test/e2e/trpc-route.e2e.test.ts` compares both paths; `trpc-executions.e2e.test.ts` counts runs.
 */
export class LeanQueries {
  private readonly config: AppRouter['_def']['_config'];
  private readonly queries: ReadonlyMap<string, AnyTRPCProcedure>;
  private readonly createCaller: (ctx: RequestContext, options: { signal: AbortSignal }) => object;
  private readonly queryParams = new QueryParams();

  constructor(private readonly options: TrpcOptions) {
    // The root configuration (error formatter, transformer) every tRPC adapter serializes with.
    this.config = options.router._def._config;
    this.queries = queryProcedures(options.router);
    this.createCaller = createCallerFactory(options.router);
  }

  /** The request when this path may answer it; undefined when tRPC's handler must. */
  read(req: FastifyRequest, path: string): QueryRequest | undefined {
    if (req.method !== 'GET') return undefined;
    const accept = acceptHeader(req);
    if (accept === 'application/jsonl') return undefined;
    // As tRPC's adapter reads the query string (a request whose URL it cannot build is its to refuse).
    const params = this.queryParams.read(req.raw);
    if (!params) return undefined;
    // createContext reads a token from them, after tRPC has parsed them its way.
    if (params.has('connectionParams')) return undefined;
    const batch = params.get('batch') === '1';
    const { allowBatching, batching, maxBatchSize } = this.options;
    if (batch && (allowBatching ?? batching?.enabled ?? true) === false) return undefined;
    // tRPC percent-decodes the path Fastify has already decoded: leave any `%` to it.
    if (path.includes('%')) return undefined;
    const separator = this.config.pathSeparator;
    const dotted = separator === '.' ? path : path.split(separator).join('.');
    const paths = batch ? dotted.split(',') : [dotted];
    // Over the cap tRPC refuses the request (BATCH_TOO_LARGE) before anything runs.
    if (batch && maxBatchSize !== undefined && paths.length > maxBatchSize) return undefined;
    const procedures = paths.map((p) => this.queries.get(p));
    const inputs = this.readInputs(params.get('input'), batch, paths.length);
    if (!inputs || procedures.some((procedure) => procedure === undefined)) return undefined;
    return {
      batch,
      accept,
      calls: paths.map((p, i) => ({ path: p, procedure: procedures[i]!, input: inputs[i] })),
    };
  }

  async answer(request: QueryRequest, req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const signal = abortedWithClient(reply);
    let url: URL | undefined;
    const info: TRPCRequestInfo = {
      accept: request.accept as TRPCRequestInfo['accept'],
      type: 'query',
      isBatchCall: request.batch,
      calls: request.calls.map((call, batchIndex) => ({
        path: call.path,
        procedure: call.procedure,
        batchIndex,
        getRawInput: () => Promise.resolve(call.input),
        result: () => call.input,
      })),
      connectionParams: null,
      signal,
      // Built when read (nothing here reads it): `read` has checked that it builds.
      get url() {
        return (url ??= createURL(req.raw));
      },
    };
    let ctx: RequestContext | undefined;
    let refused: TRPCError | undefined;
    try {
      ctx = await this.options.createContext({ req, res: reply, info });
    } catch (cause) {
      // As in tRPC's handler, a context that cannot be made fails every call (none runs).
      refused = getTRPCErrorFromUnknown(cause);
    }
    const failed = (cause: unknown, call: QueryCall, input: unknown): Outcome => {
      const error = getTRPCErrorFromUnknown(cause);
      this.options.onError?.({ error, path: call.path, input, ctx, type: 'query', req });
      return { ok: false, error };
    };
    const caller = refused ? undefined : this.createCaller(ctx!, { signal });
    const run = async (call: QueryCall): Promise<Outcome> => {
      if (!caller) return failed(refused, call, undefined);
      try {
        return { ok: true, data: await procedureOf(caller, call.path)(call.input) };
      } catch (cause) {
        return failed(cause, call, call.input);
      }
    };
    const { calls } = request;
    const outcomes = calls.length === 1 ? [await run(calls[0]!)] : await Promise.all(calls.map(run));
    const { status, headers, body } = this.respond(request, info, ctx, outcomes, req);
    if (status !== 200) void reply.status(status);
    headers.writeTo(reply);
    // The string itself, not a Buffer of it (a feed page is ~20 KB: a Buffer per answer is an
    // allocation outside the heap that the string's write avoids). With a serializer of its own,
    // Fastify sends a string as it is: no `; charset=utf-8` added to tRPC's content type.
    await reply.serializer(sentAsIs).send(body);
  }

  /** The status, headers and body tRPC's handler writes for these outcomes. */
  private respond(
    request: QueryRequest,
    info: TRPCRequestInfo,
    ctx: RequestContext | undefined,
    outcomes: Outcome[],
    req: FastifyRequest,
  ): { status: number; headers: ResponseHeaders; body: string } {
    const { config } = this;
    const headers = new ResponseHeaders();
    headers.set('vary', 'trpc-accept, accept');
    headers.set('content-type', 'application/json');
    const shape = (error: TRPCError, path: string | undefined, input: unknown) =>
      getTRPCErrorShape({ config, ctx, error, input, path, type: 'query' });
    if (outcomes.every((outcome) => outcome.ok && !isDataStream(outcome.data))) {
      // Every call answered (most requests): what the general path below writes for that, without
      // its per-answer copies — `transformTRPCResponse` serializes each `result.data`, and a
      // response of results only has status 200 unless `responseMeta` sets one.
      const { output } = config.transformer;
      const responses = outcomes.map((outcome) => ({ result: { data: outcome.ok ? outcome.data : undefined } }));
      const status = this.meta(info, ctx, responses, [], headers) ?? 200;
      const items = responses.map((response) => ({
        result: { data: output.serialize(response.result.data) as unknown },
      }));
      return { status, headers, body: JSON.stringify(request.batch ? items : items[0]) };
    }
    try {
      // Data with promises or async iterables in it needs a streaming link: tRPC's handler fails
      // a lone call's request with that, and only that call in a batch.
      if (!request.batch && outcomes[0]!.ok && isDataStream(outcomes[0]!.data)) throw streamRefused();
      const errors = outcomes.map((outcome) =>
        outcome.ok ? (isDataStream(outcome.data) ? streamRefused() : undefined) : outcome.error,
      );
      const responses = outcomes.map((outcome, i) => {
        const error = errors[i];
        const call = request.calls[i]!;
        return error
          ? { error: shape(error, call.path, call.input) }
          : { result: { data: outcome.ok ? outcome.data : undefined } };
      });
      const status = this.meta(info, ctx, responses, errors, headers) ?? getHTTPStatusCode(responses, errors);
      const body = JSON.stringify(transformTRPCResponse(config, request.batch ? responses : responses[0]!));
      return { status, headers, body };
    } catch (cause) {
      // What tRPC's handler does when answering itself fails: one error for the whole request.
      const error = getTRPCErrorFromUnknown(cause);
      this.options.onError?.({ error, path: undefined, input: undefined, ctx, type: 'query', req });
      const response = { error: shape(error, undefined, undefined) };
      const status = this.meta(info, ctx, [response], [error], headers) ?? getHTTPStatusCode(response, [error]);
      return { status, headers, body: JSON.stringify(transformTRPCResponse(config, response)) };
    }
  }

  /** Applies `responseMeta` (e.g. Retry-After) as tRPC does; the status it sets, if any. */
  private meta(
    info: TRPCRequestInfo,
    ctx: RequestContext | undefined,
    data: Parameters<NonNullable<TrpcOptions['responseMeta']>>[0]['data'],
    errors: (TRPCError | undefined)[],
    headers: ResponseHeaders,
  ): number | undefined {
    const meta = this.options.responseMeta?.({
      ctx,
      info,
      paths: info.calls.map((call) => call.path),
      data,
      errors: errors.filter((error): error is TRPCError => error !== undefined),
      eagerGeneration: false,
      type: 'query',
    });
    if (meta?.headers instanceof Headers) {
      for (const [name, value] of meta.headers) headers.append(name, value);
    } else if (meta?.headers) {
      for (const [name, value] of Object.entries(meta.headers)) {
        if (Array.isArray(value)) for (const v of value) headers.append(name, v);
        else if (typeof value === 'string') headers.set(name, value);
      }
    }
    return meta?.status || undefined;
  }

  /** The inputs as tRPC's JSON reader takes them from `?input=`, or undefined where it fails. */
  private readInputs(raw: string | null, batch: boolean, count: number): unknown[] | undefined {
    if (!raw) return Array.from({ length: count }, () => undefined);
    const transformer = this.config.transformer.input;
    const deserialize = (value: unknown): unknown => transformer.deserialize(value);
    try {
      const parsed: unknown = JSON.parse(raw);
      if (!batch) return [deserialize(parsed)];
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
      const byIndex = parsed as Record<number, unknown>;
      return Array.from({ length: count }, (_, i) => (byIndex[i] === undefined ? undefined : deserialize(byIndex[i])));
    } catch {
      return undefined;
    }
  }
}

/** The serializer of an answer that is JSON text already. */
const sentAsIs = (body: string): string => body;

/**
 * The router's queries by full path. tRPC lists a router's procedures only in its definition; it
 * is read once, here, to decide which requests this path takes — never to call a procedure.
 */
function queryProcedures(router: AppRouter): ReadonlyMap<string, AnyTRPCProcedure> {
  // A flat map by full path at runtime; its declared type is the nested record.
  const procedures = Object.entries(router._def.procedures as unknown as Record<string, AnyTRPCProcedure>);
  return new Map(
    procedures.filter(
      ([path, procedure]) => procedure._def.type === 'query' && !path.split('.').some((key) => PROXY_NAMES.has(key)),
    ),
  );
}

/**
 * Names tRPC's caller proxy reads as JavaScript's own (a thenable's `then`, `Function.prototype.call`,
 * a value's `toString`…): a procedure at such a path is left to tRPC's handler, which looks it up directly.
 */
const PROXY_NAMES: ReadonlySet<string> = new Set(['then', 'call', 'apply', 'toString', 'valueOf', 'toJSON']);

/** `caller.feed.home`, for the path `feed.home`: the caller is a proxy over the router's shape. */
function procedureOf(caller: object, path: string): Callable {
  return path.split('.').reduce((node: unknown, key) => (node as Record<string, unknown>)[key], caller) as Callable;
}
