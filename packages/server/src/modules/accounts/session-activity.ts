import { sql } from 'kysely';
import type { Db } from '../../db/connect.js';
import { idTimeRows } from '../../db/json-params.js';
import { writeBehindTransaction } from '../../db/write-behind.js';
import { SerialFlush, type FlushLog } from '../../lib/serial-flush.js';

/** How stale `users.last_active_at` may get before a note rewrites it. */
export const USER_ACTIVITY_RESOLUTION_MS = 60 * 60_000;

/**
 * When sessions were last used and users last active, written behind: a request notes it in
 * memory and one transaction a moment later writes every noted session and user. Writing it in
 * the request made a plain read (a feed page) wait for a durable commit (two, with fsync) whenever
 * a session was due for a touch. A crash loses at most one interval of these times, and the flush
 * does not wait for the disk (`writeBehindTransaction`): nothing a user was told had been saved.
 * A flush is two statements whatever the number of sessions (each reads the batch from one JSON
 * parameter, `idTimeRows`): on SQLite the transaction holds the one connection, and an update per
 * session kept feed reads waiting for hundreds of statements every flush.
 *
 * A session's time is kept to the minute (the sign-in check notes a session once a minute; the
 * session list shows it). A user's `last_active_at` is kept to the hour: it only decides whom
 * fan-out pushes to (those active within `APERTURE_ACTIVE_DAYS` days), and rewriting every active
 * user's row once a minute doubled the writes of a read-heavy instance for no reader.
 */
export class SessionActivity {
  private pending = new Map<string, { userId: string; at: string }>();
  private readonly flusher: SerialFlush;

  constructor(
    private readonly db: Db,
    log: FlushLog,
    delayMs = 2_000,
  ) {
    this.flusher = new SerialFlush(() => this.writePending(), { delayMs, log, what: 'session activity' });
  }

  note(sessionId: string, userId: string, at: string): void {
    this.pending.set(sessionId, { userId, at });
    this.flusher.schedule();
  }

  /** Write everything noted now (also called on shutdown). */
  flush(): Promise<void> {
    return this.flusher.flush();
  }

  private async writePending(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    if (batch.size === 0) return;
    const users = new Map<string, string>();
    let newest = '';
    for (const { userId, at } of batch.values()) {
      if ((users.get(userId) ?? '') < at) users.set(userId, at);
      if (at > newest) newest = at;
    }
    // A user written within the hour before the newest note is left as it is.
    const staleBefore = new Date(Date.parse(newest) - USER_ACTIVITY_RESOLUTION_MS).toISOString();
    try {
      const sessions = idTimeRows(
        this.db.caps,
        Array.from(batch, ([sessionId, { at }]) => [sessionId, at] as const),
      );
      const byUser = idTimeRows(this.db.caps, users);
      await writeBehindTransaction(this.db, async (trx) => {
        await sql`update sessions set last_used_at = v.at from ${sessions} as v where sessions.id = v.id`.execute(trx);
        // Never move it back: a later sign-in may have written a newer time meanwhile.
        await sql`update users set last_active_at = v.at from ${byUser} as v
          where users.id = v.id and users.last_active_at < v.at and users.last_active_at < ${staleBefore}`.execute(trx);
      });
    } catch (err) {
      // Keep what was not written for the next flush, unless a newer note replaced it.
      for (const [sessionId, entry] of batch) if (!this.pending.has(sessionId)) this.pending.set(sessionId, entry);
      this.flusher.schedule();
      throw err;
    }
  }
}
