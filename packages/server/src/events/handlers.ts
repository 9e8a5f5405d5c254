import type { Services } from '../services.js';
import type { EventType, HandlerMap } from './types.js';

/** What handlers may use: every service except the dispatcher that calls them. */
export type HandlerServices = Omit<Services, 'dispatcher'>;

/**
 * The subscriptions, built once in `createServices`. Each feature contributes a map
 * (`{ 'post.created': [fanOut.onPostCreated] }`) merged here; handlers of one type run in the order
 * the maps are listed. Every handler must be idempotent (see `EventHandler`).
 */
export function createHandlers(services: HandlerServices): HandlerMap {
  // Each feature contributes its map; hashtag handlers join here too.
  return mergeHandlers(services.fanout.handlers(), services.tagHandlers, services.notifications.handlers());
}

/** One map holding every handler of `maps`, keeping their order per event type. */
export function mergeHandlers(...maps: HandlerMap[]): HandlerMap {
  const merged: Record<string, unknown[]> = {};
  for (const map of maps) {
    for (const [type, handlers] of Object.entries(map) as [EventType, unknown[] | undefined][]) {
      if (handlers) merged[type] = [...(merged[type] ?? []), ...handlers];
    }
  }
  return merged;
}
