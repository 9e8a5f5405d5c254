import { initTRPC } from '@trpc/server';
import { AppError, type ValidationIssue } from '../errors/app-error.js';
import { ERROR_CODES, type ErrorCode } from '../errors/codes.js';
import { toAppError, toTRPCError } from '../errors/map-error.js';
import type { UserRole as Role } from '../modules/accounts/types.js';
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

/** Told after each signed-in mutation, so the writer's later reads see the write (`Reads.noteWrite`). */
export interface WriteNotes {
  noteWrite(userId: string): Promise<void>;
}

/** The caller's role as stored now, or null for an account that is gone or suspended. */
export interface RoleLookup {
  roleOf(userId: string): Promise<Role | null>;
}

/**
 * The base of every procedure: maps whatever a service throws to our error table (so an
 * AppError('NOT_FOUND') becomes a 404, not a 500) and records per-procedure metrics.
 */
export function createProcedures(metrics: ProcedureMetrics, writes: WriteNotes, roles: RoleLookup) {
  const measuredProcedure = t.procedure.use(async ({ next, path, type }) => {
    const stop = metrics.start();
    const result = await next();
    const error = result.ok ? undefined : toAppError(result.error);
    stop({ procedure: path, type, code: error?.code ?? 'OK' });
    if (error) throw toTRPCError(error);
    return result;
  });
  const publicProcedure = measuredProcedure.use(refuseHostileText);

  const authedProcedure = publicProcedure.use(async ({ ctx, next, type }) => {
    if (!ctx.viewer) throw new AppError('UNAUTHENTICATED');
    if (type !== 'mutation') return next({ ctx: { ...ctx, viewer: ctx.viewer } });
    // A mutation's own reads (the post it answers with) see its write; once it has committed, the
    // writer's later reads, in any process, wait for a replica to replay it (db/reads.ts).
    const result = await next({ ctx: { ...ctx, viewer: { ...ctx.viewer, writing: true } } });
    // A refused mutation (bad input, not found, forbidden) rolled back; one that failed on the
    // server may have committed before it failed.
    if (result.ok || toAppError(result.error).status >= 500) await writes.noteWrite(ctx.viewer.userId);
    return result;
  });

  /**
   * Moderators and admins only. The role is read from the database at every call, not kept in the
   * session, so granting or taking it back counts from the caller's next request. Anyone else
   * gets FORBIDDEN whatever the input (the input is not even parsed for them).
   */
  const withRole = (allowed: readonly Role[]) =>
    authedProcedure.use(async ({ ctx, next }) => {
      const role = await roles.roleOf(ctx.viewer.userId);
      if (role === null) throw new AppError('UNAUTHENTICATED');
      if (!allowed.includes(role)) throw new AppError('FORBIDDEN', 'Only the instance’s moderators can do this.');
      return next({ ctx: { ...ctx, role } });
    });
  const moderatorProcedure = withRole(['moderator', 'admin']);
  const adminProcedure = withRole(['admin']);

  return { publicProcedure, authedProcedure, moderatorProcedure, adminProcedure };
}
