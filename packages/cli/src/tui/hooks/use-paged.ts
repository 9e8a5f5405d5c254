import { useCallback, useEffect, useRef, useState } from 'react';
import type { Page } from '@aperture/sdk';
import { describeError } from '../describe-error.js';

export interface PagedList<T> {
  items: T[];
  /** `loading` while a page is on its way; `error` when the last one failed (`r` retries it). */
  status: 'loading' | 'idle' | 'error';
  error: string | null;
  /** True once the last page has arrived. */
  done: boolean;
  /** Fetches the next page, unless one is on its way or there is none. */
  loadMore: () => void;
  /** Starts again from the first page. */
  refresh: () => void;
  /** Retries what failed: the first page again when nothing was loaded, else the next page. */
  retry: () => void;
  /** Replaces items in place (after a like, say) without fetching. */
  update: (change: (item: T) => T) => void;
  /** Puts an item first (a live notification). */
  prepend: (item: T) => void;
}

/**
 * A list fetched a page at a time with an SDK paginator (`fetchPage(cursor)` is e.g.
 * `client.feed.home({ cursor, limit })`). Nothing here blocks: the screen renders the items it has,
 * and the status says what is on its way.
 */
export function usePaged<T>(fetchPage: (cursor: string | undefined) => PromiseLike<Page<T>>): PagedList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [status, setStatus] = useState<PagedList<T>['status']>('loading');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  // Refs, not state: they guard against double fetches between renders.
  const cursor = useRef<string | undefined>(undefined);
  const inFlight = useRef(false);
  const generation = useRef(0);
  const finished = useRef(false);
  const fetcher = useRef(fetchPage);
  fetcher.current = fetchPage;

  const load = useCallback((reset: boolean) => {
    if (reset) {
      generation.current += 1;
      cursor.current = undefined;
      finished.current = false;
      inFlight.current = false;
    }
    if (inFlight.current || finished.current) return;
    inFlight.current = true;
    const mine = generation.current;
    setStatus('loading');
    setError(null);
    fetcher.current(cursor.current).then(
      (page) => {
        if (mine !== generation.current) return;
        inFlight.current = false;
        cursor.current = page.nextCursor ?? undefined;
        finished.current = page.nextCursor === null;
        setItems((old) => (reset ? page.items : [...old, ...page.items]));
        setDone(finished.current);
        setStatus('idle');
      },
      (failure: unknown) => {
        if (mine !== generation.current) return;
        inFlight.current = false;
        setError(describeError(failure));
        setStatus('error');
      },
    );
  }, []);

  useEffect(() => load(true), [load]);

  return {
    items,
    status,
    error,
    done,
    loadMore: () => load(false),
    refresh: () => load(true),
    retry: () => load(false),
    update: (change) => setItems((old) => old.map(change)),
    prepend: (item) => setItems((old) => [item, ...old]),
  };
}
