import { performance } from 'node:perf_hooks';
import { sql, type Kysely } from 'kysely';

import { CodedError } from '../errors/coded-error.js';
import { MAX_NODE_ID } from '../ids/snowflake.js';
import { HEARTBEAT_MS, LEASE_MS } from '../lib/lease.js';
import { certainlyDead, processIdentity } from '../lib/process-identity.js';
import { ADVISORY_NAMESPACE, lockName } from './advisory-lock.js';
import type { Db } from './connect.js';
import type { Database, NodeLeasesTable } from './schema.js';

export interface NodeLeaseOptions {
  db: Db;
  /** What this process serves as (written for operators). */
  role: string;
  /** APERTURE_NODE_ID: claim exactly this id; undefined takes the lowest free one. */
  pinned?: number | undefined;
  /**
   * SQLite: the file is served by one process only, so no other live holder may exist at all.
   * The string names the file in the refusal.
   */
  exclusiveFile?: string | undefined;
  /** With `exclusiveFile`: other servers of this same process may serve the file too (tests). */
  sameProcessMayShare?: boolean;
  leaseMs?: number;
  heartbeatMs?: number;
  /** The lease was taken by another process (this one stalled past it): it must not mint ids. */
  onLost: (error: NodeLeaseLostError) => void;
  /** A renewal failed (database unreachable); the next beat tries again. */
  onRenewError: (error: unknown) => void;
}

/** No id may be minted: the node lease lapsed (or was taken) and is not known to be this process's. */
export class NodeLeaseLostError extends CodedError {
  override readonly name = 'NodeLeaseLostError';
  constructor(node: number, why: string) {
    super('UNAVAILABLE', `This server's node id ${node} is not leased any more (${why}); it cannot create anything.`);
  }
}

/** The process cannot start: the node id it needs (or the SQLite file) is another live process's. */
export class NodeLeaseUnavailableError extends Error {
  override readonly name = 'NodeLeaseUnavailableError';
}

type LeaseRow = Pick<
  NodeLeasesTable,
  'node' | 'generation' | 'holder' | 'host' | 'machine' | 'pid' | 'role' | 'expires_at'
>;

/** Claims of one node id compete through one lock, so a claim sees and replaces a settled row. */
const CLAIM_ATTEMPTS = 20;

/**
 * This process's snowflake node id, leased from `node_leases` (migration 0011) and renewed on a
 * heartbeat. `holder` (`node-<node>.<generation>`) names the work leases (media, events) this
 * process takes: unique among all processes that ever held the id, so a stalled process whose node
 * lease was taken over can never renew or release its successor's work.
 */
export class NodeLease {
  private heldUntil: number;
  private lost: NodeLeaseLostError | undefined;
  private timer: NodeJS.Timeout | undefined;
  private renewing: Promise<void> | undefined;
  private released = false;

  private constructor(
    private readonly options: NodeLeaseOptions,
    readonly node: number,
    readonly generation: number,
  ) {
    this.heldUntil = performance.now() + this.guardMs();
  }

  get holder(): string {
    return holderName(this.node, this.generation);
  }

  /** Claims a node id, then renews it every heartbeat until `release()`. */
  static async claim(options: NodeLeaseOptions): Promise<NodeLease> {
    const leaseMs = options.leaseMs ?? LEASE_MS;
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      const claimed = await serialized(options.db, (trx) => claimOnce(trx, options, leaseMs));
      if (claimed) {
        const lease = new NodeLease(options, claimed.node, claimed.generation);
        lease.startHeartbeat();
        return lease;
      }
    }
    throw new NodeLeaseUnavailableError(`Could not lease a node id after ${CLAIM_ATTEMPTS} attempts; try again.`);
  }

  /**
   * Throws unless the lease is certainly still this process's: renewed less than a lease minus a
   * safety margin ago (by this process's monotonic clock), and never found taken. The id
   * generator asks before every id, so a process that stalls past its lease stops minting ids
   * another process may be minting with the same node id.
   */
  assertHeld(): void {
    if (this.lost) throw this.lost;
    if (this.released) throw new NodeLeaseLostError(this.node, 'released on shutdown');
    if (performance.now() > this.heldUntil) {
      throw new NodeLeaseLostError(this.node, 'not renewed in time: the database did not answer');
    }
  }

  /** Stops renewing and frees the row (it stays, with its generation), so the id is free at once. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    clearInterval(this.timer);
    await this.renewing;
    if (this.lost) return;
    await this.options.db.kysely
      .updateTable('node_leases')
      .set({ holder: null, expires_at: null, pid: null, claimed_at: null })
      .where('node', '=', this.node)
      .where('generation', '=', this.generation)
      .execute();
  }

  private guardMs(): number {
    // Another process may take the id over once the row's expiry passes by its clock; stop a
    // sixth of the lease earlier (5 s of 30), which also covers that much clock difference between hosts.
    const leaseMs = this.options.leaseMs ?? LEASE_MS;
    return leaseMs - leaseMs / 6;
  }

  private startHeartbeat(): void {
    const beat = (): void => {
      if (this.renewing || this.lost || this.released) return;
      this.renewing = this.renew()
        .catch((error: unknown) => this.options.onRenewError(error))
        .finally(() => {
          this.renewing = undefined;
        });
    };
    this.timer = setInterval(beat, this.options.heartbeatMs ?? HEARTBEAT_MS).unref();
  }

  private async renew(): Promise<void> {
    const started = performance.now();
    const leaseMs = this.options.leaseMs ?? LEASE_MS;
    const renewed = await this.options.db.kysely
      .updateTable('node_leases')
      .set({ expires_at: new Date(Date.now() + leaseMs).toISOString() })
      .where('node', '=', this.node)
      .where('generation', '=', this.generation)
      .where('holder', '=', this.holder)
      .returning('node')
      .executeTakeFirst();
    if (this.released) return;
    if (renewed) {
      this.heldUntil = started + this.guardMs();
      return;
    }
    this.lost = new NodeLeaseLostError(this.node, 'another process took it over after it lapsed');
    clearInterval(this.timer);
    this.options.onLost(this.lost);
  }
}

export function holderName(node: number, generation: number): string {
  return `node-${node}.${generation}`;
}

/** A row some process holds now: claimed, not lapsed, and its holder not known to be dead. */
function isLive(row: LeaseRow, now: string): boolean {
  return row.holder !== null && row.expires_at !== null && row.expires_at >= now && !certainlyDead(row);
}

async function claimOnce(
  trx: Kysely<Database>,
  options: NodeLeaseOptions,
  leaseMs: number,
): Promise<{ node: number; generation: number } | undefined> {
  const now = new Date();
  const nowIso = now.toISOString();
  const rows: LeaseRow[] = await trx
    .selectFrom('node_leases')
    .select(['node', 'generation', 'holder', 'host', 'machine', 'pid', 'role', 'expires_at'])
    .orderBy('node')
    .execute();
  const live = rows.filter((row) => isLive(row, nowIso));
  const others = options.sameProcessMayShare ? live.filter((row) => !isThisProcess(row)) : live;
  if (options.exclusiveFile !== undefined && others.length > 0) {
    const owner = others[0]!;
    const who = isThisProcess(owner) ? 'another server in this same process' : 'another process';
    throw new NodeLeaseUnavailableError(
      `The SQLite database ${options.exclusiveFile} is being served by ${who} (${describe(owner)}). ` +
        'SQLite data is served by one process at a time: stop that one first, or use Postgres to run several.',
    );
  }
  const node = options.pinned ?? lowestFree(live);
  const busy = live.find((row) => row.node === node);
  if (busy) {
    throw new NodeLeaseUnavailableError(
      `APERTURE_NODE_ID=${node} is held by a live process (${describe(busy)}). ` +
        'Give every process its own APERTURE_NODE_ID, or leave it unset to lease a free one.',
    );
  }
  const identity = processIdentity();
  const fields = {
    host: identity.host,
    machine: identity.machine,
    pid: identity.pid,
    role: options.role,
    claimed_at: nowIso,
    expires_at: new Date(now.getTime() + leaseMs).toISOString(),
  };
  const previous = rows.find((row) => row.node === node);
  if (!previous) {
    const inserted = await trx
      .insertInto('node_leases')
      .values({ node, generation: 1, holder: holderName(node, 1), ...fields })
      .onConflict((oc) => oc.column('node').doNothing())
      .returning('generation')
      .executeTakeFirst();
    return inserted ? { node, generation: inserted.generation } : undefined;
  }
  // Compare-and-swap on the generation seen: the row replaced is the free, lapsed or dead one read.
  const generation = previous.generation + 1;
  const updated = await trx
    .updateTable('node_leases')
    .set({ generation, holder: holderName(node, generation), ...fields })
    .where('node', '=', node)
    .where('generation', '=', previous.generation)
    .returning('generation')
    .executeTakeFirst();
  return updated ? { node, generation } : undefined;
}

function isThisProcess(row: LeaseRow): boolean {
  const me = processIdentity();
  return row.machine === me.machine && row.pid === me.pid;
}

function lowestFree(live: readonly LeaseRow[]): number {
  const taken = new Set(live.map((row) => row.node));
  for (let node = 0; node <= MAX_NODE_ID; node++) if (!taken.has(node)) return node;
  throw new NodeLeaseUnavailableError(`All ${MAX_NODE_ID + 1} node ids are leased by live processes.`);
}

function describe(row: LeaseRow): string {
  return `node id ${row.node}, pid ${row.pid ?? '?'} on ${row.host ?? '?'}, role ${row.role ?? '?'}, lease until ${row.expires_at ?? '?'}`;
}

/**
 * Runs `fn` so that claims from every process take turns: on SQLite inside BEGIN IMMEDIATE (the
 * write lock, waited for through the busy timeout), on Postgres under a transaction-scoped
 * advisory lock. Each claim then reads rows no other claim is about to replace.
 */
async function serialized<T>(db: Db, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  if (db.caps.dialect === 'postgres') {
    return db.kysely.transaction().execute(async (trx) => {
      const key = lockName(db, 'node-leases');
      await sql`select pg_advisory_xact_lock(${ADVISORY_NAMESPACE}, hashtext(${key}))`.execute(trx);
      return fn(trx);
    });
  }
  return db.kysely.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const result = await fn(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (error) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw error;
    }
  });
}
