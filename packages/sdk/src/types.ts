import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@aperture/server';

/** Inputs of every procedure, by path: `RouterInputs['accounts']['register']`. */
export type RouterInputs = inferRouterInputs<AppRouter>;
/** Outputs of every procedure, by path: `RouterOutputs['accounts']['me']`. */
export type RouterOutputs = inferRouterOutputs<AppRouter>;

export type { AuthResult, PrivateUser, PublicUser, SessionInfo } from '@aperture/server';
