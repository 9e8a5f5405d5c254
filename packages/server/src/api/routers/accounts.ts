import type { AccountsService } from '../../modules/accounts/service.js';
import { loginInput, registerInput, revokeSessionInput } from '../../modules/accounts/schemas.js';
import type { ProfilesService } from '../../modules/profiles/service.js';
import type { AccountDataService } from '../../modules/account-data/service.js';
import { deleteAccountInput } from '../../modules/account-data/schemas.js';
import { setAvatarInput, updateProfileInput } from '../../modules/profiles/schemas.js';
import type { RequestContext } from '../context.js';
import { router, type createProcedures } from '../trpc.js';

type Procedures = ReturnType<typeof createProcedures>;

const clientInfo = (ctx: RequestContext) => ({ ip: ctx.ip, userAgent: ctx.userAgent });

export function accountsRouter(
  accounts: AccountsService,
  profiles: ProfilesService,
  accountData: AccountDataService,
  { publicProcedure, authedProcedure, signupProcedure }: Procedures,
) {
  return router({
    /** Create an account and sign in. */
    register: signupProcedure
      .input(registerInput)
      .mutation(({ input, ctx }) => accounts.register(input, clientInfo(ctx))),
    /** Sign in with username (or email) and password; returns a bearer token. */
    login: publicProcedure.input(loginInput).mutation(({ input, ctx }) => accounts.login(input, clientInfo(ctx))),
    /** Revoke the session making this request. */
    logout: authedProcedure.mutation(async ({ ctx }) => {
      await accounts.logout(ctx.viewer);
      return { ok: true as const };
    }),
    /** The signed-in user, email included. */
    me: authedProcedure.query(({ ctx }) => accounts.me(ctx.viewer)),
    updateProfile: authedProcedure
      .input(updateProfileInput)
      .mutation(({ input, ctx }) => profiles.update(ctx.viewer, input)),
    /** The same as `updateProfile`, under the name settings read best with (`accounts.update({ isPrivate })`). */
    update: authedProcedure.input(updateProfileInput).mutation(({ input, ctx }) => profiles.update(ctx.viewer, input)),
    /** The signed-in user's active sessions. */
    sessions: authedProcedure.query(({ ctx }) => accounts.listSessions(ctx.viewer)),
    /** Use one of your ready images as your avatar (`null` removes it). */
    setAvatar: authedProcedure
      .input(setAvatarInput)
      .mutation(({ input, ctx }) => profiles.setAvatar(ctx.viewer, input.mediaId)),
    revokeSession: authedProcedure.input(revokeSessionInput).mutation(async ({ input, ctx }) => {
      await accounts.revokeSession(ctx.viewer, input.sessionId);
      return { ok: true as const };
    }),
    /** Start an export of everything of yours (built in the background), or get the one running. */
    export: authedProcedure.mutation(({ ctx }) => accountData.startExport(ctx.viewer)),
    /** Your latest export: its state and progress, and a signed download link once ready. */
    exportStatus: authedProcedure.query(({ ctx }) => accountData.exportStatus(ctx.viewer)),
    /** Delete your account (password again): hidden and signed out at once, removed after the grace period. */
    delete: authedProcedure
      .input(deleteAccountInput)
      .mutation(({ input, ctx }) => accountData.deleteAccount(ctx.viewer, input)),
  });
}
