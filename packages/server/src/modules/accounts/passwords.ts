import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { AppError } from '../../errors/app-error.js';
import { WorkLimiter, WorkQueueFullError } from '../../lib/work-limiter.js';
import type { PasswordHashingLimits } from '../../config/config.js';

// `Algorithm` is an ambient const enum, which verbatimModuleSyntax cannot inline: 2 is Argon2id.
const ARGON2ID = 2 as Algorithm;

/** OWASP's argon2id baseline: 19 MiB memory, 2 iterations, 1 lane. */
const ARGON2_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /**
   * Spend the same work as a real verification, for sign-ins of unknown users, so response
   * time does not tell an attacker which usernames exist.
   */
  verifyAgainstDummy(password: string): Promise<void>;
}

export function createArgon2Hasher(): PasswordHasher {
  let dummy: Promise<string> | undefined;
  return {
    hash: (password) => hash(password, ARGON2_OPTIONS),
    async verify(stored, password) {
      try {
        return await verify(stored, password);
      } catch {
        return false;
      }
    },
    async verifyAgainstDummy(password) {
      dummy ??= hash('aperture-dummy-password-for-timing', ARGON2_OPTIONS);
      await verify(await dummy, password).catch(() => false);
    },
  };
}

/** Seconds a refused caller is told to wait: the queue drains in well under that. */
const BUSY_RETRY_AFTER_SECONDS = 1;

/**
 * Wraps a hasher so that at most `concurrency` argon2 computations (19 MiB and tens of ms of CPU
 * each) run at once, with a bounded queue behind them. Every method takes exactly one turn, so a
 * sign-in of an unknown user (the dummy verification) waits and costs the same as a known one.
 */
export function limitPasswordHashing(inner: PasswordHasher, limits: PasswordHashingLimits): PasswordHasher {
  const gate = new WorkLimiter({ concurrency: limits.concurrency, maxQueued: limits.maxQueue });
  const inTurn = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await gate.tryRun(work);
    } catch (error) {
      if (!(error instanceof WorkQueueFullError)) throw error;
      throw new AppError('RATE_LIMITED', 'The server is busy signing other people in; try again in a moment.', {
        retryAfter: BUSY_RETRY_AFTER_SECONDS,
        cause: error,
      });
    }
  };
  return {
    hash: (password) => inTurn(() => inner.hash(password)),
    verify: (stored, password) => inTurn(() => inner.verify(stored, password)),
    verifyAgainstDummy: (password) => inTurn(() => inner.verifyAgainstDummy(password)),
  };
}
