import type { Config } from './config/config.js';
import { openDatabase, type Db } from './db/connect.js';
import { migrateToLatest } from './db/migrate.js';
import { NodeLease, type NodeLeaseLostError } from './db/node-leases.js';
import type { Logger } from './lib/logger.js';

export interface ServingLeaseOptions {
  /** See CreateServerOptions.shareSqliteInProcess. */
  shareSqliteInProcess?: boolean;
  /** See CreateServerOptions.nodeLease. */
  nodeLease?: { leaseMs: number; heartbeatMs: number };
}

export interface OpenedForServing {
  db: Db;
  lease: NodeLease;
  /** Resolves if another process takes the node id over (this one stalled past its lease). */
  nodeLeaseLost: Promise<NodeLeaseLostError>;
}

/**
 * What a server does before anything else: open the database, bring its schema up to date (under
 * the migration lock), and lease a node id, which on SQLite is also the claim to be the file's one
 * server. Whatever fails closes the database again.
 */
export async function openForServing(
  config: Config,
  options: ServingLeaseOptions,
  log: Logger & { fatal(obj: object, msg: string): void },
): Promise<OpenedForServing> {
  const db = await openDatabase(config.database);
  let resolveLost: (error: NodeLeaseLostError) => void = () => undefined;
  const nodeLeaseLost = new Promise<NodeLeaseLostError>((resolve) => (resolveLost = resolve));
  try {
    await migrateToLatest(db);
    const lease = await NodeLease.claim({
      db,
      role: config.role,
      pinned: config.nodeId,
      // One process serves a SQLite file (an in-memory database is private to its connection).
      exclusiveFile:
        config.database.kind === 'sqlite' && config.database.path !== ':memory:' ? config.database.path : undefined,
      sameProcessMayShare: options.shareSqliteInProcess === true,
      ...options.nodeLease,
      onLost: (error) => {
        log.fatal({ err: error }, 'node lease lost: this process creates nothing more; restart it');
        resolveLost(error);
      },
      onRenewError: (error) => log.error({ err: error }, 'node lease renewal failed'),
    });
    return { db, lease, nodeLeaseLost };
  } catch (error) {
    await db.close();
    throw error;
  }
}
