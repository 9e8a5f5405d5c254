// token.js only, not seed/index.js: the worker threads need the derivation, not the database writers.
import { seededToken } from '../seed/token.js';
import type { UsersSpec } from './options.js';

/** The sessions a scenario acts with. */
export interface UserPool {
  size: number;
  /** A random user's token. */
  randomToken(): string;
  /** The token of seeded user `id` (1-based), when the pool knows user ids. */
  tokenOf(id: number): string | undefined;
}

export function userPool(spec: UsersSpec | undefined): UserPool {
  if (!spec) throw new Error('this scenario acts as users: pass --seed and --users (a seeded dataset) or --tokens');
  if (spec.kind === 'seeded') {
    const cache = new Map<number, string>();
    const tokenOf = (id: number) => {
      if (id < 1 || id > spec.users) return undefined;
      let token = cache.get(id);
      if (token === undefined) {
        token = seededToken(spec.seed, id);
        cache.set(id, token);
      }
      return token;
    };
    return { size: spec.users, randomToken: () => tokenOf(1 + Math.floor(Math.random() * spec.users))!, tokenOf };
  }
  if (spec.tokens.length === 0) throw new Error('the token list is empty');
  return {
    size: spec.tokens.length,
    randomToken: () => spec.tokens[Math.floor(Math.random() * spec.tokens.length)]!,
    tokenOf: () => undefined,
  };
}
