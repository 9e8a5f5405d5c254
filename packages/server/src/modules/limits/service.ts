import { sql } from 'kysely';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connect.js';
import { writeBehindTransaction } from '../../db/write-behind.js';
import { AppError } from '../../errors/app-error.js';
import { decodeId } from '../../ids/snowflake.js';
import { clientKey } from '../../lib/client-key.js';
import type { AccountLimitKind, LimitKind, WriteLimitSettings } from '../../config/write-limit-settings.js';

/** Every limit is so many an hour; it is also the burst, refilled evenly over the hour. */
export const LIMIT_WINDOW_MS = 3_600_000;

/** Who is writing: the signed-in account (none for a sign-up) and the client address. */
export interface Writer {
  userId: string | null;
  ip: string | null;
}

/** One bucket a write was charged to, and how much one write costs it (ms of its hour). */
interface Bucket {
  key: string;
  stepMs: number;
  /** For the refusal's message. */
  whose: 'account' | 'address';
}

/** What `charge` took, to hand back to `refund` when the write failed for another reason. */
export interface Charge {
  readonly buckets: readonly Bucket[];
}

const WHAT: Record<LimitKind, string> = {
  posts: 'posts',
  comments: 'comments',
  likes: 'likes',
  follows: 'follows',
  uploads: 'uploads',
  reports: 'reports',
  signups: 'sign-ups',
};

/**
 * Write limits per account and per client address, counted in the database so they hold across
 * every process of a deployment. Each bucket is one row holding the instant it is full again
 * (GCRA): a write moves that instant one step (an hour / the limit) later, and is refused when that
 * would put it more than an hour ahead. Charging is one upsert whatever the number of buckets,
 * atomic on both dialects (the conditional `do update` re-checks the row it locked), and a refused
 * write changes no bucket.
 */
export class WriteLimits {
  constructor(private readonly deps: { db: Db; clock: Clock; settings: WriteLimitSettings }) {}

  /**
   * Charges one write of `kind` to the writer's account and address, or throws RATE_LIMITED (with
   * `retryAfter`, the seconds until it would pass) and charges nothing. Undefined: nothing to
   * charge (every limit that applies is off).
   */
  async charge(kind: LimitKind, writer: Writer): Promise<Charge | undefined> {
    const now = this.deps.clock.now().getTime();
    const buckets = this.bucketsOf(kind, writer, now);
    if (buckets.length === 0) return undefined;
    const db = this.deps.db.kysely;
    // Buckets are written behind (`writeBehindTransaction`): a power cut may forget a few charges,
    // which only lets a few writes more through, and a limited write does not wait for a second
    // fsync besides its own.
    const start = sql<number>`(case when write_limits.full_at > ${now} then write_limits.full_at else ${now} end)`;
    const moved = sql<number>`${start} + (${sql.ref('excluded.full_at')} - ${now})`;
    const charged = await writeBehindTransaction(this.deps.db, (trx) =>
      trx
        .insertInto('write_limits')
        .values(buckets.map((b) => ({ bucket_key: b.key, full_at: now + b.stepMs })))
        .onConflict((oc) =>
          oc
            .column('bucket_key')
            .doUpdateSet({ full_at: moved })
            .where(sql<boolean>`${moved} <= ${now + LIMIT_WINDOW_MS}`),
        )
        .returning('bucket_key')
        .execute(),
    );
    if (charged.length === buckets.length) return { buckets };

    const passed = new Set(charged.map((row) => row.bucket_key));
    await this.refund({ buckets: buckets.filter((b) => passed.has(b.key)) });
    const refused = buckets.filter((b) => !passed.has(b.key));
    const rows = await db
      .selectFrom('write_limits')
      .select(['bucket_key', 'full_at'])
      .where(
        'bucket_key',
        'in',
        refused.map((b) => b.key),
      )
      .execute();
    const fullAt = new Map(rows.map((row) => [row.bucket_key, Number(row.full_at)]));
    let retryAfter = 1;
    for (const b of refused) {
      const passesAt = (fullAt.get(b.key) ?? now) + b.stepMs - LIMIT_WINDOW_MS;
      retryAfter = Math.max(retryAfter, Math.ceil((passesAt - now) / 1000));
    }
    const whose = refused.some((b) => b.whose === 'account') ? 'your account' : 'your address';
    throw new AppError('RATE_LIMITED', `Too many ${WHAT[kind]} from ${whose}; try again in ${retryAfter} s.`, {
      retryAfter,
    });
  }

  /** Gives back what `charge` took: the write it was for did not happen. */
  async refund(charge: Charge | undefined): Promise<void> {
    const buckets = charge?.buckets ?? [];
    if (buckets.length === 0) return;
    await writeBehindTransaction(this.deps.db, async (trx) => {
      for (const b of buckets) {
        await trx
          .updateTable('write_limits')
          .set({ full_at: sql<number>`full_at - ${b.stepMs}` })
          .where('bucket_key', '=', b.key)
          .execute();
      }
    });
  }

  /** Deletes the buckets that are full again, which are as good as absent. Run by the sweep. */
  async prune(): Promise<number> {
    const now = this.deps.clock.now().getTime();
    const result = await this.deps.db.kysely.deleteFrom('write_limits').where('full_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** The limit of `kind` for this account now: the new-account one in its first hours. */
  accountLimit(kind: AccountLimitKind, userId: string, now: number): number {
    const { settings } = this.deps;
    // Ids are minted from the server's clock, so an account's id says when it signed up.
    const isNew = settings.newAccountMs > 0 && now - decodeId(userId).timestamp.getTime() < settings.newAccountMs;
    return (isNew ? settings.newAccount : settings.perAccount)[kind];
  }

  private bucketsOf(kind: LimitKind, writer: Writer, now: number): Bucket[] {
    const buckets: Bucket[] = [];
    if (kind !== 'signups' && writer.userId !== null) {
      const limit = this.accountLimit(kind, writer.userId, now);
      if (limit > 0) buckets.push({ key: `${kind}:account:${writer.userId}`, stepMs: stepOf(limit), whose: 'account' });
    }
    const perAddress = this.deps.settings.perAddress[kind];
    if (perAddress > 0) {
      buckets.push({ key: `${kind}:address:${clientKey(writer.ip)}`, stepMs: stepOf(perAddress), whose: 'address' });
    }
    return buckets;
  }
}

/** What one write costs a bucket that allows `limit` an hour. */
function stepOf(limit: number): number {
  return Math.max(1, Math.floor(LIMIT_WINDOW_MS / limit));
}
