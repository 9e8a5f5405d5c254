import { createTRPCClient, httpSubscriptionLink, type TRPCClient } from '@trpc/client';
import type { AppRouter } from '@aperture/server';
import { EventSource, type FetchLike } from 'eventsource';
import type { FetchFunction } from '../http.js';
import { pageInput, paginate, type PageOptions, type Paginator } from '../paginate.js';
import { callbackIterable } from './stream.js';
import type { LiveNotification, MarkReadInput, NotificationView, SubscribeOptions } from './types.js';

export interface NotificationsApi {
  /**
   * Your notifications, most recently changed first (a new like moves its post's row up).
   *
   * @example
   * ```ts
   * const { items } = await client.notifications.list({ limit: 20 })
   * for await (const n of client.notifications.list()) console.log(n.kind, n.actor.username)
   * ```
   */
  list(options?: PageOptions): Paginator<NotificationView>;
  /**
   * Marks some notifications, or all of them, as read.
   *
   * @example
   * ```ts
   * await client.notifications.markRead({ all: true })
   * ```
   */
  markRead(input: MarkReadInput): Promise<{ updated: number }>;
  /**
   * How many unread notifications you have.
   *
   * @example
   * ```ts
   * const { count } = await client.notifications.unreadCount()
   * ```
   */
  unreadCount(): Promise<{ count: number }>;
  /**
   * New notifications as they happen, over Server-Sent Events; reconnects by itself and resumes
   * where it left off. Works on Node 20 (EventSource from the `eventsource` package). When the
   * session ends (logged out, revoked from another device, expired), the iterator throws an
   * `AuthenticationError` with code `UNAUTHENTICATED` and does not reconnect.
   *
   * @example
   * ```ts
   * const stop = new AbortController()
   * for await (const n of client.notifications.subscribe({ signal: stop.signal })) console.log(n.kind)
   * ```
   */
  subscribe(options?: SubscribeOptions): AsyncIterable<LiveNotification>;
}

export interface NotificationsApiDeps {
  trpc: TRPCClient<AppRouter>;
  url: string;
  fetch: FetchFunction;
  token: () => string | null;
  mapError: (error: unknown) => Error;
}

export function createNotificationsApi(deps: NotificationsApiDeps): NotificationsApi {
  const { trpc } = deps;
  // The token goes in an Authorization header (the ponyfill lets us set one), never in the URL.
  const authorizedFetch: FetchLike = (input, init) => {
    const token = deps.token();
    return deps.fetch(input, {
      ...init,
      headers: { ...init.headers, ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    });
  };
  let live: TRPCClient<AppRouter> | undefined;
  const liveClient = () =>
    (live ??= createTRPCClient<AppRouter>({
      links: [
        httpSubscriptionLink({
          url: `${deps.url}/trpc`,
          EventSource,
          eventSourceOptions: () => ({ fetch: authorizedFetch }),
        }),
      ],
    }));

  return {
    list: (options = {}) =>
      paginate((cursor) => trpc.notifications.list.query(pageInput(options, cursor)), options.cursor),
    markRead: (input) => trpc.notifications.markRead.mutate(input),
    unreadCount: () => trpc.notifications.unreadCount.query(),
    subscribe: (options = {}) =>
      callbackIterable<LiveNotification>((sink) => {
        const subscription = liveClient().notifications.onNew.subscribe(
          options.lastEventId === undefined ? {} : { lastEventId: options.lastEventId },
          {
            onData: ({ data }) => sink.next(data),
            onError: (error) => sink.error(deps.mapError(error)),
            onComplete: () => sink.complete(),
          },
        );
        return () => subscription.unsubscribe();
      }, options.signal),
  };
}
