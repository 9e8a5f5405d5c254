import { initTRPC } from '@trpc/server';
import { AppError, type ValidationIssue } from '../errors/app-error.js';
import { ERROR_CODES, type ErrorCode } from '../errors/codes.js';
import { toAppError, toTRPCError } from '../errors/map-error.js';
import type { UserRole as Role } from '../modules/accounts/types.js';
import type { RequestContext } from './context.js';
import type { ProcedureMetrics } from './procedure-metrics.js';
import { refuseHostileText } from './input-text.js';
import type { AccountLimitKind } from '../config/write-limit-settings.js';
import type { WriteLimits } from '../modules/limits/service.js';

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

/** What a middleware's `next()` resolves to: the call's result, or the error it ended with. */
type CallResult = { ok: true } | { ok: false; error: unknown };

/** The caller's role as stored now, or null for an account that is gone or suspended. */
export interface RoleLookup {
  roleOf(userId: string): Promise<Role | null>;
}

/**
 * The base of every procedure: maps whatever a service throws to our error table (so an
 * AppError('NOT_FOUND') becomes a 404, not a 500), records per-procedure metrics, refuses hostile
 * text in the raw input and, for `authedProcedure`, requires a viewer. Each kind is ONE middleware,
 * not a chain of them: tRPC copies the call's options (and the context) at every hop, and on a feed
 * read those copies cost more than the checks they carried.
 */
export function createProcedures(
  metrics: ProcedureMetrics,
  writes: WriteNotes,
  limits: Pick<WriteLimits, 'charge' | 'refund'>,
  roles: RoleLookup,
) {
  /** Runs the call, timing it, and ends it with the error table's error when it fails. */
  async function measured<R extends CallResult>(path: string, type: string, call: () => Promise<R>): Promise<R> {
    const stop = metrics.start();
    let result: R;
    try {
      result = await call();
    } catch (cause) {
      const error = toAppError(cause);
      stop({ procedure: path, type, code: error.code });
      throw toTRPCError(error);
    }
    const error = result.ok ? undefined : toAppError(result.error);
    stop({ procedure: path, type, code: error?.code ?? 'OK' });
    if (error) throw toTRPCError(error);
    return result;
  }

  const publicProcedure = t.procedure.use(({ path, type, getRawInput, next }) =>
    measured(path, type, async () => {
      await refuseHostileText(getRawInput);
      return next();
    }),
  );

  const authedProcedure = t.procedure.use(({ ctx, path, type, getRawInput, next }) =>
    measured(path, type, async () => {
      await refuseHostileText(getRawInput);
      const { viewer } = ctx;
      if (!viewer) throw new AppError('UNAUTHENTICATED');
      if (type !== 'mutation') return next({ ctx: { viewer } });
      // A mutation's own reads (the post it answers with) see its write; once it has committed, the
      // writer's later reads, in any process, wait for a replica to replay it (db/reads.ts).
      const result = await next({ ctx: { viewer: { ...viewer, writing: true } } });
      // A refused mutation (bad input, not found, forbidden) rolled back; one that failed on the
      // server may have committed before it failed.
      if (result.ok || toAppError(result.error).status >= 500) await writes.noteWrite(viewer.userId);
      return result;
    }),
  );

  /**
   * A signed-in write counted by the write limits (`modules/limits`): charged before it runs, or
   * refused with RATE_LIMITED; a call that fails (bad input, not found, a server error) gets its
   * charge back.
   */
  const limitedProcedure = (kind: AccountLimitKind) =>
    authedProcedure.use(async ({ ctx, next }) => {
      const charge = await limits.charge(kind, { userId: ctx.viewer.userId, ip: ctx.ip });
      const result = await next();
      if (!result.ok) await limits.refund(charge);
      return result;
    });

  /** Sign-up: counted per client address, as `signups`. */
  const signupProcedure = publicProcedure.use(async ({ ctx, next }) => {
    const charge = await limits.charge('signups', { userId: null, ip: ctx.ip });
    const result = await next();
    if (!result.ok) await limits.refund(charge);
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

  return { publicProcedure, authedProcedure, limitedProcedure, signupProcedure, moderatorProcedure, adminProcedure };
}
