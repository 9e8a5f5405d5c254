import { createTRPCClient, httpBatchLink, type TRPCClient } from '@trpc/client';
import type { AppRouter, PrivateUser } from '@aperture/server';
import { toApertureError } from './error-mapping.js';
import { jsonOnlyFetch, type FetchFunction } from './http.js';
import { createAccountsApi, createAuthApi, type AccountsApi, type AuthApi } from './accounts/api.js';
import { createCommentsApi, createLikesApi, type CommentsApi, type LikesApi } from './engagement/api.js';
import { createGraphApi, createUsersApi, type GraphApi, type UsersApi } from './graph/api.js';
import { createInstanceApi, type InstanceApi } from './instance/api.js';
import { createMediaApi, type MediaApi } from './media/api.js';
import { createPostsApi, type PostsApi } from './posts/api.js';
import { createSearchApi, type SearchApi } from './search/api.js';
import { createTagsApi, type TagsApi } from './tags/api.js';
import { createFeedApi, type FeedApi } from './feed/api.js';
import { createNotificationsApi, type NotificationsApi } from './notifications/api.js';
import { createModerationApi, createReportsApi, type ModerationApi, type ReportsApi } from './moderation/api.js';
import { resolveRetryPolicy, retryQueriesLink, type RetryOptions } from './retry.js';
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
  /** Registering, signing in and out: each replaces the token later calls are made with. */
  readonly auth: AuthApi;
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
  /** Your profile fields, account settings, sessions and avatar. */
  readonly accounts: AccountsApi;
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
  /** Report posts, comments and accounts to the moderators; follow your reports' state. */
  readonly reports: ReportsApi;
  /** Moderators and admins: the queue of reports, actions on posts, comments and accounts, the audit log. */
  readonly moderation: ModerationApi;
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
  const tokenHolder = {
    get: () => token,
    set: (next: string | null) => {
      token = next;
    },
  };
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

  return {
    url,
    get token() {
      return token;
    },
    setToken(next) {
      token = next;
    },
    auth: createAuthApi({ trpc, token: tokenHolder }),
    me: () => trpc.accounts.me.query(),
    accounts: createAccountsApi(trpc, tokenHolder),
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
    reports: createReportsApi(trpc),
    moderation: createModerationApi(trpc),
    trpc,
  };
}

function normalizeUrl(input: string): string {
  const url = input.trim().replace(/\/+$/, '');
  return url.endsWith('/trpc') ? url.slice(0, -'/trpc'.length) : url;
}
