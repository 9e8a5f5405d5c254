import { initTRPC } from '@trpc/server';
import { AppError, type ValidationIssue } from '../errors/app-error.js';
import { ERROR_CODES, type ErrorCode } from '../errors/codes.js';
import { toAppError, toTRPCError } from '../errors/map-error.js';
import type { RequestContext } from './context.js';
import type { ProcedureMetrics } from './procedure-metrics.js';
import { refuseHostileText } from './input-text.js';

/** The `data` every Aperture error carries on the wire, next to tRPC's `message`. */
export interface ApertureErrorData {
  /** tRPC's code, kept for tRPC clients. */
  code: string;
  httpStatus: number;
  path: string | undefined;
  /** Aperture's stable error code (see docs/api.md). */
  appCode: ErrorCode;
  issues?: ValidationIssue[];
  retryAfter?: number;
  requestId?: string;
}

const t = initTRPC.context<RequestContext>().create({
  // Never include stacks, whatever NODE_ENV says.
  isDev: false,
  errorFormatter({ shape, error, ctx, path }) {
    const app = toAppError(error);
    const data: ApertureErrorData = {
      code: ERROR_CODES[app.code].trpc,
      httpStatus: app.status,
      path,
      appCode: app.code,
      ...(app.issues ? { issues: app.issues } : {}),
      ...(app.retryAfter !== undefined ? { retryAfter: app.retryAfter } : {}),
      ...(ctx?.requestId ? { requestId: ctx.requestId } : {}),
    };
    return { message: app.message, code: shape.code, data };
  },
});

export const router = t.router;
export const mergeRouters = t.mergeRouters;
export const createCallerFactory = t.createCallerFactory;

/**
 * The base of every procedure: maps whatever a service throws to our error table (so an
 * AppError('NOT_FOUND') becomes a 404, not a 500) and records per-procedure metrics.
 */
export function createProcedures(metrics: ProcedureMetrics) {
  const measuredProcedure = t.procedure.use(async ({ next, path, type }) => {
    const stop = metrics.start();
    const result = await next();
    const error = result.ok ? undefined : toAppError(result.error);
    stop({ procedure: path, type, code: error?.code ?? 'OK' });
    if (error) throw toTRPCError(error);
    return result;
  });
  const publicProcedure = measuredProcedure.use(refuseHostileText);

  const authedProcedure = publicProcedure.use(({ ctx, next }) => {
    if (!ctx.viewer) throw new AppError('UNAUTHENTICATED');
    return next({ ctx: { ...ctx, viewer: ctx.viewer } });
  });

  return { publicProcedure, authedProcedure };
}
