import type { TRPCClient } from '@trpc/client';
import type { AppRouter } from '@aperture/server';
import { AuthenticationError } from '../errors.js';
import type { AuthResult, PrivateUser, SessionInfo } from '../types.js';
import type {
  AccountDeletion,
  AccountExport,
  DeleteAccountInput,
  LoginInput,
  RegisterInput,
  UpdateAccountInput,
  UpdateProfileInput,
} from './types.js';

/** The client's bearer token, which signing in and out replace for every call that follows. */
export interface TokenHolder {
  get(): string | null;
  set(token: string | null): void;
}

export interface AuthDeps {
  trpc: TRPCClient<AppRouter>;
  token: TokenHolder;
}

export interface AuthApi {
  /**
   * Creates an account and signs in with it: later calls use the new token.
   *
   * @example
   * ```ts
   * const { user } = await client.auth.register({ username: 'ada', email: 'ada@example.com', password })
   * ```
   */
  register(input: RegisterInput): Promise<AuthResult>;
  /**
   * Signs in: later calls use the returned token.
   *
   * @example
   * ```ts
   * const { token } = await client.auth.login({ username: 'ada', password })
   * ```
   */
  login(input: LoginInput): Promise<AuthResult>;
  /**
   * Ends this session on the server and forgets the token. The token is forgotten even when
   * the server cannot be reached (that error is still thrown); a token the server no longer
   * knows is not an error.
   *
   * @example
   * ```ts
   * await client.auth.logout()
   * ```
   */
  logout(): Promise<void>;
}

export interface AccountsApi {
  /**
   * Changes the display name or bio; omitted fields stay as they are.
   *
   * @example
   * ```ts
   * await client.accounts.updateProfile({ bio: 'Film, mostly.' })
   * ```
   */
  updateProfile(input: UpdateProfileInput): Promise<PrivateUser>;
  /**
   * Changes account settings and profile fields; omitted fields stay as they are. With
   * `isPrivate: true` new follows become requests you approve (your current followers stay);
   * going public again approves no pending request by itself. `showSensitive: true` is the
   * account's "always show sensitive media" setting (`PrivateUser.showSensitive`): clients then show
   * posts whose `sensitive` is true without covering them first.
   *
   * @example
   * ```ts
   * await client.accounts.update({ isPrivate: true })
   * await client.accounts.update({ showSensitive: true })
   * ```
   */
  update(input: UpdateAccountInput): Promise<PrivateUser>;
  /**
   * The signed-in user's sessions; `current` marks this client's.
   *
   * @example
   * ```ts
   * const others = (await client.accounts.sessions()).filter((s) => !s.current)
   * ```
   */
  sessions(): Promise<SessionInfo[]>;
  /**
   * Signs one session out.
   *
   * @example
   * ```ts
   * await client.accounts.revokeSession(session.id)
   * ```
   */
  revokeSession(sessionId: string): Promise<void>;
  /**
   * Makes one of your ready images your avatar (upload it first), or removes the avatar with
   * `null`. The avatar's URLs are public and change with it, so they can be cached forever.
   *
   * @example
   * ```ts
   * const photo = await client.media.upload('me.jpg')
   * const { avatar } = await client.accounts.setAvatar(photo.id)
   * ```
   */
  setAvatar(mediaId: string | null): Promise<{ avatar: { webp: string; jpg: string } | null }>;
  /**
   * Starts an export of everything of yours — profile, posts, comments, likes, follows, blocks,
   * mutes as JSON, and the originals of your photos and videos — built in the background into
   * one `.tar.gz`. While one is being built, this answers that one.
   *
   * @example
   * ```ts
   * const started = await client.accounts.export()
   * ```
   */
  export(): Promise<AccountExport>;
  /**
   * Your latest export (null if none): `state`, `progress`, and once `ready` a signed `url` to
   * download it without a token, valid until `urlExpiresAt` (ask again for a fresh one).
   *
   * @example
   * ```ts
   * const status = await client.accounts.exportStatus()
   * if (status?.state === 'ready') console.log(status.url)
   * ```
   */
  exportStatus(): Promise<AccountExport | null>;
  /**
   * Deletes your account, asking for the password again. At once it is hidden from everyone,
   * every session is signed out (this client's token is forgotten) and sign-in answers
   * `ACCOUNT_DELETED`; everything of it is removed after the server's grace period. No undo.
   *
   * @example
   * ```ts
   * const { purgeAfter } = await client.accounts.delete({ password })
   * ```
   */
  delete(input: DeleteAccountInput): Promise<AccountDeletion>;
}

export function createAuthApi({ trpc, token }: AuthDeps): AuthApi {
  const signIn = (result: AuthResult): AuthResult => {
    token.set(result.token);
    return result;
  };
  return {
    register: async (input) => signIn(await trpc.accounts.register.mutate(input)),
    login: async (input) => signIn(await trpc.accounts.login.mutate(input)),
    logout: async () => {
      if (token.get() === null) return;
      try {
        await trpc.accounts.logout.mutate();
      } catch (error) {
        // The session is gone either way: a server that no longer knows the token agrees.
        if (!(error instanceof AuthenticationError && error.code === 'UNAUTHENTICATED')) throw error;
      } finally {
        token.set(null);
      }
    },
  };
}

export function createAccountsApi(trpc: TRPCClient<AppRouter>, token?: TokenHolder): AccountsApi {
  return {
    export: () => trpc.accounts.export.mutate(),
    exportStatus: () => trpc.accounts.exportStatus.query(),
    delete: async (input) => {
      const deleted = await trpc.accounts.delete.mutate(input);
      // Every session of the account ended with it, this one too.
      token?.set(null);
      return deleted;
    },
    updateProfile: (input) => trpc.accounts.updateProfile.mutate(input),
    update: (input) => trpc.accounts.update.mutate(input),
    sessions: () => trpc.accounts.sessions.query(),
    revokeSession: async (sessionId) => {
      await trpc.accounts.revokeSession.mutate({ sessionId });
    },
    setAvatar: (mediaId) => trpc.accounts.setAvatar.mutate({ mediaId }),
  };
}
