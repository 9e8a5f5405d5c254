import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { SerialFlush, type FlushLog } from '../../lib/serial-flush.js';

/**
 * When sessions were last used and users last active, written behind: a request notes it in
 * memory and one transaction a moment later writes every noted session and user. Writing it in
 * the request made a plain read (a feed page) wait for a durable commit (two, with fsync) whenever
 * a session was due for a touch. A crash loses at most one interval of these times; nothing a
 * user was told had been saved.
 */
export class SessionActivity {
  private pending = new Map<string, { userId: string; at: string }>();
  private readonly flusher: SerialFlush;

  constructor(
    private readonly db: Kysely<Database>,
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
    for (const { userId, at } of batch.values()) {
      if ((users.get(userId) ?? '') < at) users.set(userId, at);
    }
    try {
      await this.db.transaction().execute(async (trx) => {
        for (const [sessionId, { at }] of batch) {
          await trx.updateTable('sessions').set({ last_used_at: at }).where('id', '=', sessionId).execute();
        }
        for (const [userId, at] of users) {
          // Never move it back: a later sign-in may have written a newer time meanwhile.
          await trx
            .updateTable('users')
            .set({ last_active_at: at })
            .where('id', '=', userId)
            .where('last_active_at', '<', at)
            .execute();
        }
      });
    } catch (err) {
      // Keep what was not written for the next flush, unless a newer note replaced it.
      for (const [sessionId, entry] of batch) if (!this.pending.has(sessionId)) this.pending.set(sessionId, entry);
      this.flusher.schedule();
      throw err;
    }
  }
}
