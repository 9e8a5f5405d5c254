import { createArgon2Hasher, type PasswordHasher } from '../../src/modules/accounts/passwords.js';

export type HasherMethod = keyof PasswordHasher;

/**
 * The real argon2 hasher, observed: it counts calls by method and how many run at once, and can
 * hold every computation at a latch until the test opens it. Injected under the server's
 * concurrency limit, it shows what that limit lets through.
 */
export interface ObservedHasher extends PasswordHasher {
  readonly calls: HasherMethod[];
  readonly inFlight: number;
  readonly maxInFlight: number;
  /** Hold computations that start from now on until `open()`. */
  latch(): void;
  open(): void;
  reset(): void;
}

export function observedHasher(inner: PasswordHasher = createArgon2Hasher()): ObservedHasher {
  const calls: HasherMethod[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let gate: { promise: Promise<void>; open: () => void } | undefined;
  const observe = async <T>(method: HasherMethod, work: () => Promise<T>): Promise<T> => {
    calls.push(method);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      if (gate) await gate.promise;
      return await work();
    } finally {
      inFlight--;
    }
  };
  return {
    calls,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    hash: (password) => observe('hash', () => inner.hash(password)),
    verify: (stored, password) => observe('verify', () => inner.verify(stored, password)),
    verifyAgainstDummy: (password) => observe('verifyAgainstDummy', () => inner.verifyAgainstDummy(password)),
    latch() {
      let open!: () => void;
      const promise = new Promise<void>((resolve) => (open = resolve));
      gate = { promise, open };
    },
    open() {
      gate?.open();
      gate = undefined;
    },
    reset() {
      calls.length = 0;
      maxInFlight = inFlight;
    },
  };
}

/** Polls `condition` every 20 ms until it holds or `timeoutMs` passes; returns whether it held. */
export async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}
