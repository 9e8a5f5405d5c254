import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { AppError } from '../../errors/app-error.js';

/** Failures allowed before backoff starts; then each failure doubles the wait, up to the cap. */
export const FREE_FAILURES = 5;
const BASE_DELAY_MS = 1_000;
const MAX_DELAY_MS = 15 * 60_000;

export function lockDuration(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (failures - FREE_FAILURES));
}

/**
 * Per-account sign-in backoff, keyed by the normalised name that was typed, whether or not such
 * an account exists: unknown and known names then behave identically to an attacker.
 */
export class LoginThrottle {
  constructor(private readonly db: Kysely<Database>) {}

  /** Throws RATE_LIMITED while the key is locked. Checked before the password is. */
  async assertAllowed(key: string, now: Date): Promise<void> {
    const row = await this.db
      .selectFrom('login_throttle')
      .select('locked_until')
      .where('username_key', '=', key)
      .executeTakeFirst();
    if (row?.locked_until && row.locked_until > now.toISOString()) {
      const retryAfter = Math.ceil((Date.parse(row.locked_until) - now.getTime()) / 1000);
      throw new AppError('RATE_LIMITED', `Too many failed sign-ins; try again in ${retryAfter} s.`, { retryAfter });
    }
  }

  async recordFailure(key: string, now: Date): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('login_throttle')
        .select('failures')
        .where('username_key', '=', key)
        .executeTakeFirst();
      const failures = (row?.failures ?? 0) + 1;
      const delay = lockDuration(failures);
      const lockedUntil = delay > 0 ? new Date(now.getTime() + delay).toISOString() : null;
      await trx
        .insertInto('login_throttle')
        .values({ username_key: key, failures, last_failure_at: now.toISOString(), locked_until: lockedUntil })
        .onConflict((oc) =>
          oc.column('username_key').doUpdateSet({
            failures: (eb) => eb('login_throttle.failures', '+', 1),
            last_failure_at: now.toISOString(),
            locked_until: lockedUntil,
          }),
        )
        .execute();
    });
  }

  async reset(key: string): Promise<void> {
    await this.db.deleteFrom('login_throttle').where('username_key', '=', key).execute();
  }
}
