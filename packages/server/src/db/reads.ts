import { sql, type Kysely } from 'kysely';

import { infrastructureFault } from '../errors/infrastructure-faults.js';
import type { Logger } from '../lib/logger.js';
import type { Db } from './connect.js';
import type { Database } from './schema.js';

/**
 * What decides where one reader's reads may go. A signed-in viewer carries the primary's WAL position
 * after their latest write (`users.last_write_lsn`, read with their session on the primary), and
 * `writing` inside a mutation, whose own reads (the post it just made) must see what it wrote.
 */
export interface ReadPosition {
  lastWriteLsn?: string | null;
  writing?: boolean;
}

/** Reads served so far by each database, and how the replica stands (for /metrics). */
export interface ReadStats {
  replica: number;
  primary: number;
  /** 1 while reads may go to the replica, 0 while they all go to the primary; undefined without one. */
  replicaUp: 0 | 1 | undefined;
  /** How far behind the primary the replica was at the last look, in seconds. */
  replicaLagSeconds: number | undefined;
}

/**
 * The one place a read chooses its database. Services pass the viewer and run the read on the
 * handle they are given; everything about replicas (fit, lag, faults) stays here.
 */
export interface Reads {
  /**
   * Runs `read` on the replica when one is up, close enough, and has replayed the reader's own last
   * write; otherwise on the primary. A read the replica fails (it went away, a recovery conflict)
   * runs again on the primary: a replica problem never becomes the caller's error.
   */
  run<T>(reader: ReadPosition | null, read: (db: Kysely<Database>) => Promise<T>): Promise<T>;
  /** Whether a replica may serve reads: only then do readers' write positions matter. */
  readonly usesReplica: boolean;
  /** After a user's write has committed: their later reads, in any process, wait for the replica to have it. */
  noteWrite(userId: string): Promise<void>;
  stats(): ReadStats;
  /** Stops watching the replica and closes its connections (not the primary's). */
  close(): Promise<void>;
}

/** Without a replica every read goes to the primary, and nothing needs noting. */
export function primaryReads(primary: Db): Reads {
  let served = 0;
  return {
    usesReplica: false,
    run(_reader, read) {
      served++;
      return read(primary.kysely);
    },
    noteWrite: () => Promise.resolve(),
    stats: () => ({ replica: 0, primary: served, replicaUp: undefined, replicaLagSeconds: undefined }),
    close: () => Promise.resolve(),
  };
}

export interface ReplicaReadsOptions {
  primary: Db;
  replica: Kysely<Database>;
  log: Logger;
  /** Beyond this much lag every read goes to the primary, until the replica catches up. */
  maxLagMs: number;
  /** How often the replica's replay position (and the primary's) is read. */
  pollMs?: number;
}

/** `X/Y` (a pg_lsn as text) → the byte position it names. */
export function parseLsn(text: string): bigint {
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text);
  if (!match) throw new Error(`not a WAL position: ${JSON.stringify(text)}`);
  return (BigInt(`0x${match[1]}`) << 32n) | BigInt(`0x${match[2]}`);
}

const NOT_CHECKED = 'not yet checked';

interface Sample {
  at: number;
  lsn: bigint;
}

/**
 * Reads from a streaming replica. A poll every `pollMs` reads the replica's replay position and the
 * primary's insert position: the replica is fit while it answers and has replayed everything the
 * primary had `maxLagMs` ago. Between polls the replay position only grows, so comparing a
 * reader's last write with the last one seen never sends them to a replica that lacks it.
 */
export class ReplicaReads implements Reads {
  readonly usesReplica = true;
  private fit = false;
  private replayed = -1n;
  private lagMs: number | undefined;
  private samples: Sample[] = [];
  private served = { replica: 0, primary: 0 };
  /** Why reads last left the replica, so the change is logged once, not every poll. */
  private downReason: string | undefined = NOT_CHECKED;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly options: ReplicaReadsOptions) {
    this.polling = this.poll();
    this.schedule();
  }

  async run<T>(reader: ReadPosition | null, read: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    if (this.replicaFits(reader)) {
      try {
        const result = await read(this.options.replica);
        this.served.replica++;
        return result;
      } catch (error) {
        if (!replicaFault(error)) throw error;
        this.leave(`a read failed: ${describe(error)}`);
      }
    }
    const result = await read(this.options.primary.kysely);
    this.served.primary++;
    return result;
  }

  async noteWrite(userId: string): Promise<void> {
    try {
      // The insert position, not pg_current_wal_lsn() (how far WAL is written): with
      // synchronous_commit off a commit can be acknowledged before its record is written out.
      // greatest(): two writes of one user racing cannot move the mark back.
      await sql`update users set last_write_lsn = greatest(last_write_lsn::pg_lsn, pg_current_wal_insert_lsn())::text
                where id = ${userId}`.execute(this.options.primary.kysely);
    } catch (error) {
      // The write itself committed; failing its answer now would invite a retry that repeats it.
      this.options.log.error({ err: error, userId }, 'could not record the write position for reads after it');
    }
  }

  stats(): ReadStats {
    return {
      ...this.served,
      replicaUp: this.fit ? 1 : 0,
      replicaLagSeconds: this.lagMs === undefined ? undefined : this.lagMs / 1000,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.polling;
    await this.options.replica.destroy();
  }

  /** Resolves after one look at both databases (tests await a state change through it). */
  async refresh(): Promise<void> {
    await this.polling;
    this.polling = this.poll();
    await this.polling;
  }

  private replicaFits(reader: ReadPosition | null): boolean {
    if (!this.fit || reader?.writing) return false;
    const own = reader?.lastWriteLsn;
    if (own === null || own === undefined) return true;
    try {
      return parseLsn(own) <= this.replayed;
    } catch {
      // A mark that is not a WAL position (written by hand?) proves nothing: read the primary.
      return false;
    }
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.polling = this.poll().finally(() => this.schedule());
    }, this.options.pollMs ?? 250);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    const { primary, replica, maxLagMs } = this.options;
    const now = Date.now();
    let primaryLsn: bigint;
    try {
      const { rows } = await sql<{ lsn: string }>`select pg_current_wal_insert_lsn()::text as lsn`.execute(
        primary.kysely,
      );
      primaryLsn = parseLsn(rows[0]!.lsn);
    } catch {
      // Without the primary's position the lag is unknown; the primary's own trouble is reported
      // by the requests and /readyz. Keep the last verdict until the next look.
      return;
    }
    this.samples.push({ at: now, lsn: primaryLsn });
    this.samples = this.samples.filter((s) => now - s.at <= 2 * maxLagMs + 1000);
    let replayed: bigint;
    try {
      const { rows } = await sql<{ lsn: string | null }>`select pg_last_wal_replay_lsn()::text as lsn`.execute(replica);
      const lsn = rows[0]?.lsn;
      if (lsn === null || lsn === undefined) throw new Error('the read database is not a standby in recovery');
      replayed = parseLsn(lsn);
    } catch (error) {
      this.lagMs = undefined;
      this.leave(`unreachable: ${describe(error)}`);
      return;
    }
    // Lag: since when the primary has had WAL the replica has not replayed (0 when it has it all).
    const firstMissing = this.samples.find((s) => s.lsn > replayed);
    this.lagMs = firstMissing === undefined ? 0 : now - firstMissing.at;
    this.replayed = replayed;
    if (this.lagMs > maxLagMs) {
      this.leave(`lagging ${(this.lagMs / 1000).toFixed(1)} s behind the primary (limit ${maxLagMs / 1000} s)`);
      return;
    }
    this.fit = true;
    if (this.downReason !== undefined) {
      const first = this.downReason === NOT_CHECKED;
      this.downReason = undefined;
      this.options.log.info(
        { lagSeconds: this.lagMs / 1000 },
        first ? 'read replica in use: reads go to it' : 'read replica recovered: reads go to it again',
      );
    }
  }

  private leave(reason: string): void {
    this.fit = false;
    if (this.downReason !== undefined && this.downReason !== NOT_CHECKED) return;
    this.downReason = reason;
    this.options.log.error({ reason }, 'read replica unfit, reads go to the primary');
  }
}

/**
 * Replica failures a read is retried on the primary for: a dropped or refused connection, a query
 * cancelled for a conflict with recovery (40001, which `infrastructureFault` counts as unavailable),
 * a query cancelled outright (57014), or the standby refusing as it shuts down.
 */
function replicaFault(error: unknown): boolean {
  if (infrastructureFault(error) === 'unavailable') return true;
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  return code === '57014';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
