import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { NotificationBus } from './bus.js';

export interface LivePollLog {
  error(obj: object, msg: string): void;
}

export interface LivePollDeps {
  db: Kysely<Database>;
  bus: NotificationBus;
  intervalMs: number;
  log: LivePollLog;
}

/** Recipients asked about in one statement (well under every bind-parameter limit). */
const CHUNK = 500;

/**
 * The safety net under the wake-ups, for notifications written by another process whose wake-up
 * never arrived (none crosses processes on SQLite, e.g. from `aperture admin`; on Postgres one sent
 * while this process was reconnecting). One look per `intervalMs` for the whole process, not per
 * stream: the newest `seq_id` of every recipient with an open stream, in one grouped statement per
 * 500 recipients; only the recipients whose newest row changed since the last look are woken, and
 * only their streams read the table. A recipient seen for the first time is woken once (its
 * streams' cursors are theirs, not this poll's).
 */
export class LivePoll {
  private timer: NodeJS.Timeout | undefined;
  private looking: Promise<void> | undefined;
  /** Per recipient with open streams: the newest seq_id the last look saw. */
  private readonly newest = new Map<string, string | null>();

  constructor(private readonly deps: LivePollDeps) {}

  /** A stream opened: make sure the looks run (they stop by themselves once no stream is open). */
  streamOpened(): void {
    this.timer ??= setInterval(() => void this.look(), this.deps.intervalMs).unref();
  }

  /** One look now; a look still running is joined, not repeated. */
  look(): Promise<void> {
    this.looking ??= this.lookOnce().finally(() => (this.looking = undefined));
    return this.looking;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async lookOnce(): Promise<void> {
    const recipients = this.deps.bus.recipients();
    const open = new Set(recipients);
    for (const id of this.newest.keys()) if (!open.has(id)) this.newest.delete(id);
    if (recipients.length === 0) {
      this.stop();
      return;
    }
    const changed: string[] = [];
    try {
      for (let start = 0; start < recipients.length; start += CHUNK) {
        const chunk = recipients.slice(start, start + CHUNK);
        const rows = await this.deps.db
          .selectFrom('notifications')
          .select(['recipient_id', (eb) => eb.fn.max('seq_id').as('seq_id')])
          .where('recipient_id', 'in', chunk)
          .groupBy('recipient_id')
          .execute();
        const seen = new Map(rows.map((row) => [row.recipient_id, String(row.seq_id)]));
        for (const id of chunk) {
          const now = seen.get(id) ?? null;
          if (this.newest.has(id) && this.newest.get(id) === now) continue;
          this.newest.set(id, now);
          changed.push(id);
        }
      }
    } catch (err) {
      // The streams stay open; the next look tries again.
      this.deps.log.error({ err }, 'live notifications poll failed');
    }
    for (const id of changed) this.deps.bus.publish(id);
  }
}
