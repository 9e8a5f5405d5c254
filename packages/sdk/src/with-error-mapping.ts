/**
 * Wraps the tRPC proxy so that `.query()` and `.mutate()` reject with the mapped error. tRPC wraps
 * whatever a link emits back into a TRPCClientError, so the mapping cannot live in a link.
 */
export function withErrorMapping<T extends object>(proxy: T, mapError: (error: unknown) => Error): T {
  return wrap(proxy, mapError) as T;
}

function wrap(node: unknown, mapError: (error: unknown) => Error): unknown {
  return new Proxy(node as object, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key);
      if (typeof key === 'symbol') return value;
      if (key === 'query' || key === 'mutate') {
        return async (...args: unknown[]) => {
          try {
            return await (value as (...a: unknown[]) => Promise<unknown>)(...args);
          } catch (error) {
            throw mapError(error);
          }
        };
      }
      return wrap(value, mapError);
    },
  });
}
