import { useCallback, useEffect, useRef, useState } from 'react';
import { describeError } from '../describe-error.js';

export type Request<T> =
  | { status: 'loading'; data: T | null; error: null }
  | { status: 'ok'; data: T; error: null }
  | { status: 'error'; data: T | null; error: string };

export interface RequestHandle<T> {
  state: Request<T>;
  /** Fetches again (the `r` key); the old data stays on screen meanwhile. */
  reload: () => void;
  /** Replaces the data (after a follow, say) without fetching. */
  set: (data: T) => void;
}

/** One request whose result a screen shows, with inline loading and error states. */
export function useRequest<T>(load: () => Promise<T>): RequestHandle<T> {
  const [state, setState] = useState<Request<T>>({ status: 'loading', data: null, error: null });
  const loader = useRef(load);
  loader.current = load;
  const generation = useRef(0);

  const reload = useCallback(() => {
    generation.current += 1;
    const mine = generation.current;
    setState((old) => ({ status: 'loading', data: old.data, error: null }));
    loader.current().then(
      (data) => {
        if (mine === generation.current) setState({ status: 'ok', data, error: null });
      },
      (failure: unknown) => {
        if (mine === generation.current)
          setState((old) => ({ status: 'error', data: old.data, error: describeError(failure) }));
      },
    );
  }, []);

  useEffect(reload, [reload]);
  return { state, reload, set: (data) => setState({ status: 'ok', data, error: null }) };
}
