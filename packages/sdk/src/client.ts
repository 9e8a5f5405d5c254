import { createTRPCClient, httpBatchLink, type TRPCClient } from '@trpc/client';
import type { AppRouter, AuthResult, PrivateUser, SessionInfo } from '@aperture/server';
import { toApertureError } from './error-mapping.js';
import { AuthenticationError } from './errors.js';
import { jsonOnlyFetch, type FetchFunction } from './http.js';
import { createCommentsApi, createLikesApi, type CommentsApi, type LikesApi } from './engagement/api.js';
import { createGraphApi, createUsersApi, type GraphApi, type UsersApi } from './graph/api.js';
import { createInstanceApi, type InstanceApi } from './instance/api.js';
import { createMediaApi, type MediaApi } from './media/api.js';
import { createPostsApi, type PostsApi } from './posts/api.js';
import { createSearchApi, type SearchApi } from './search/api.js';
import { createTagsApi, type TagsApi } from './tags/api.js';
import { createFeedApi, type FeedApi } from './feed/api.js';
import { createNotificationsApi, type NotificationsApi } from './notifications/api.js';
import { resolveRetryPolicy, retryQueriesLink, type RetryOptions } from './retry.js';
import type { LoginInput, RegisterInput, UpdateAccountInput, UpdateProfileInput } from './types.js';
import { withErrorMapping } from './with-error-mapping.js';

export interface ClientOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:4000` (the API is under `/trpc`). */
  url: string;
  /** A token from an earlier `register` or `login`. */
  token?: string | null | undefined;
  /** A `fetch` to use instead of the global one (for API calls and for upload PUTs). */
  fetch?: FetchFunction | undefined;
  /**
   * How failed queries are retried. Mutations are not (they may have taken effect), except
   * `posts.create`, which carries an idempotency key.
   */
  retry?: RetryOptions | undefined;
  /** Sent as `User-Agent`; the server shows it in the session list. */
  userAgent?: string | undefined;
  /**
   * Most calls sent in one batched request (default 10, the server's default
   * `APERTURE_MAX_BATCH`). Set it to the server's value if that was lowered.
   */
  maxBatchSize?: number | undefined;
}

/** The server's default cap on calls per batch (`APERTURE_MAX_BATCH`); larger batches are refused. */
export const DEFAULT_MAX_BATCH_SIZE = 10;

export interface ApertureClient {
  /** The server's base URL, without a trailing slash. */
  readonly url: string;
  /** The bearer token calls are made with, or null when signed out. */
  readonly token: string | null;
  /**
   * Uses another token (or none) for the calls that follow.
   *
   * @example
   * ```ts
   * client.setToken(savedToken)
   * ```
   */
  setToken(token: string | null): void;
  readonly auth: {
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
  };
  /**
   * The signed-in user.
   *
   * @example
   * ```ts
   * const me = await client.me()
   * console.log(me.username)
   * ```
   */
  me(): Promise<PrivateUser>;
  readonly accounts: {
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
     * going public again approves no pending request by itself.
     *
     * @example
     * ```ts
     * await client.accounts.update({ isPrivate: true })
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
  };
  /** Uploads (with progress, parts in parallel, retries) and media items. */
  readonly media: MediaApi;
  /** Posts: publish, read, profile grids, edit, delete. */
  readonly posts: PostsApi;
  /** Follows, follow requests, blocks and mutes. */
  readonly graph: GraphApi;
  /** Profiles. */
  readonly users: UsersApi;
  /** Likes and reactions on posts. */
  readonly likes: LikesApi;
  /** Comments and their replies. */
  readonly comments: CommentsApi;
  /** The home feed and hashtag feeds (paginators). */
  readonly feed: FeedApi;
  /** Hashtags and trending hashtags. */
  readonly tags: TagsApi;
  /** Users, hashtags and posts by text. */
  readonly search: SearchApi;
  /** Your notifications: list, mark read, unread count, and a live stream (SSE). */
  readonly notifications: NotificationsApi;
  /** The server's input limits (photos per post, upload size, text lengths) and trending rule. */
  readonly instance: InstanceApi;
  /**
   * The typed tRPC proxy, for procedures the SDK does not wrap yet. Its errors are
   * {@link ApertureError}s too.
   *
   * @example
   * ```ts
   * const me = await client.trpc.accounts.me.query()
   * ```
   */
  readonly trpc: TRPCClient<AppRouter>;
}

/**
 * Creates a client for one Aperture server.
 *
 * @example
 * ```ts
 * import { createClient } from '@aperture/sdk'
 *
 * const client = createClient({ url: 'http://127.0.0.1:4000' })
 * await client.auth.login({ username: 'ada', password: process.env.PASSWORD! })
 * console.log((await client.me()).displayName)
 * ```
 */
export function createClient(options: ClientOptions): ApertureClient {
  const url = normalizeUrl(options.url);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  let token = options.token ?? null;
  const userAgent = options.userAgent ?? '@aperture/sdk';
  const retry = resolveRetryPolicy(options.retry);
  const raw = createTRPCClient<AppRouter>({
    links: [
      retryQueriesLink<AppRouter>(retry, url),
      httpBatchLink({
        url: `${url}/trpc`,
        // Batched GETs carry every input in the URL; split batches before proxies refuse them.
        maxURLLength: 4_000,
        // The server refuses a batch over its cap (BATCH_TOO_LARGE): split before sending.
        maxItems: options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE,
        fetch: jsonOnlyFetch(fetchImpl),
        headers: () => ({
          'user-agent': userAgent,
          ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        }),
      }),
    ],
  });
  const trpc = withErrorMapping(raw, (error) => toApertureError(error, url));

  const media = createMediaApi({ trpc, fetch: fetchImpl });

  const signIn = (result: AuthResult): AuthResult => {
    token = result.token;
    return result;
  };

  return {
    url,
    get token() {
      return token;
    },
    setToken(next) {
      token = next;
    },
    auth: {
      register: async (input) => signIn(await trpc.accounts.register.mutate(input)),
      login: async (input) => signIn(await trpc.accounts.login.mutate(input)),
      logout: async () => {
        if (token === null) return;
        try {
          await trpc.accounts.logout.mutate();
        } catch (error) {
          if (!(error instanceof AuthenticationError && error.code === 'UNAUTHENTICATED')) throw error;
        } finally {
          token = null;
        }
      },
    },
    me: () => trpc.accounts.me.query(),
    accounts: {
      updateProfile: (input) => trpc.accounts.updateProfile.mutate(input),
      update: (input) => trpc.accounts.update.mutate(input),
      sessions: () => trpc.accounts.sessions.query(),
      revokeSession: async (sessionId) => {
        await trpc.accounts.revokeSession.mutate({ sessionId });
      },
      setAvatar: (mediaId) => trpc.accounts.setAvatar.mutate({ mediaId }),
    },
    media,
    posts: createPostsApi({ trpc, media, retry }),
    graph: createGraphApi(trpc),
    users: createUsersApi(trpc),
    likes: createLikesApi(trpc),
    comments: createCommentsApi(trpc),
    feed: createFeedApi(trpc),
    tags: createTagsApi(trpc),
    search: createSearchApi(trpc),
    notifications: createNotificationsApi({
      trpc,
      url,
      fetch: fetchImpl,
      token: () => token,
      mapError: (error) => toApertureError(error, url),
    }),
    instance: createInstanceApi(trpc),
    trpc,
  };
}

function normalizeUrl(input: string): string {
  const url = input.trim().replace(/\/+$/, '');
  return url.endsWith('/trpc') ? url.slice(0, -'/trpc'.length) : url;
}
