import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApertureClient, LiveNotification } from '@aperture/sdk';

export interface LiveNotifications {
  unread: number;
  clear: () => void;
  subscribe: (listener: (notification: LiveNotification) => void) => () => void;
}

/**
 * The unread badge: the count when the app starts, plus one per notification the live stream
 * delivers. The SDK's stream reconnects by itself; if the server cannot be reached at all the
 * badge simply stays as it is (the notifications screen shows errors).
 */
export function useLiveNotifications(client: ApertureClient): LiveNotifications {
  const [unread, setUnread] = useState(0);
  const listeners = useRef(new Set<(notification: LiveNotification) => void>());

  useEffect(() => {
    const stop = new AbortController();
    client.notifications.unreadCount().then(
      ({ count }) => setUnread((old) => old + count),
      () => undefined,
    );
    const follow = async () => {
      for await (const notification of client.notifications.subscribe({ signal: stop.signal })) {
        setUnread((old) => old + 1);
        for (const listener of listeners.current) listener(notification);
      }
    };
    follow().catch(() => undefined);
    return () => {
      stop.abort();
    };
  }, [client]);

  const clear = useCallback(() => setUnread(0), []);
  const subscribe = useCallback((listener: (notification: LiveNotification) => void) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);
  return { unread, clear, subscribe };
}
