/**
 * Turns a callback subscription into an async iterator: values are queued until read, an error
 * rejects the pending (or next) read, and the abort signal or `return()` unsubscribes.
 */
export function callbackIterable<T>(
  start: (sink: { next(value: T): void; error(error: unknown): void; complete(): void }) => () => void,
  signal: AbortSignal | undefined,
): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      const queue: T[] = [];
      let failure: { error: unknown } | undefined;
      let done = false;
      let waiting: (() => void) | undefined;
      const notify = (): void => {
        const wake = waiting;
        waiting = undefined;
        wake?.();
      };
      const finish = (): void => {
        if (done) return;
        done = true;
        unsubscribe();
        signal?.removeEventListener('abort', finish);
        notify();
      };
      const unsubscribe = start({
        next: (value) => {
          queue.push(value);
          notify();
        },
        error: (error) => {
          failure = { error };
          finish();
        },
        complete: finish,
      });
      if (signal?.aborted) finish();
      else signal?.addEventListener('abort', finish, { once: true });

      return {
        async next(): Promise<IteratorResult<T>> {
          for (;;) {
            const value = queue.shift();
            if (value !== undefined) return { value, done: false };
            if (failure) {
              const { error } = failure;
              failure = undefined;
              throw error;
            }
            if (done) return { value: undefined, done: true };
            await new Promise<void>((resolve) => (waiting = resolve));
          }
        },
        async return(): Promise<IteratorResult<T>> {
          finish();
          queue.length = 0;
          return { value: undefined, done: true };
        },
      };
    },
  };
}
