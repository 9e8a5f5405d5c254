import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { PassThrough } from 'node:stream';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connect.js';
import type { AccountDataSettings } from '../../config/account-data-settings.js';
import { LEASE_MS, LeaseLostError, anonymousHolderName } from '../../lib/lease.js';
import { LeasedWorker } from '../../lib/leased-worker.js';
import type { Logger } from '../../lib/logger.js';
import { tarStream } from '../../lib/tar-writer.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { archiveContents } from './archive-contents.js';
import type { ExportRow } from './presenter.js';

/** How often idle builders look for exports requested in other processes. */
const POLL_MS = 2_000;
/** Builds tried before an export is given up as `failed`. */
export const MAX_EXPORT_ATTEMPTS = 3;

export interface ExportBuilderDeps {
  db: Db;
  blobs: BlobStore;
  clock: Clock;
  log: Logger;
  settings: AccountDataSettings;
  /** This process's name in `account_exports.claimed_by` (default: a random one). */
  leaseHolder?: string;
  /** Test seams: the lease length and how often it is renewed. */
  leaseMs?: number;
  heartbeatMs?: number;
  pollMs?: number;
}

/** Where an export's archive is kept in the blob store: one key per export, rewritten by a rebuild. */
export function exportKey(row: Pick<ExportRow, 'id' | 'user_id'>): string {
  return `exports/${row.user_id}/${row.id}.tar.gz`;
}

/**
 * Builds requested exports in the background, one at a time per process. Each is claimed under a
 * lease naming this process and renewed while the archive is written, as media processing does:
 * only one process builds an export, and one whose builder died (a crash, a restart) is claimed
 * again once the lease lapses and built from the start. The archive is written to its own key in
 * one streamed put, which stores it whole or not at all, so a half-built archive is never served.
 */
export class ExportBuilder {
  private readonly holder: string;
  private readonly leaseMs: number;
  private readonly worker: LeasedWorker<ExportRow>;

  constructor(private readonly deps: ExportBuilderDeps) {
    this.holder = deps.leaseHolder ?? anonymousHolderName();
    this.leaseMs = deps.leaseMs ?? LEASE_MS;
    this.worker = new LeasedWorker({
      name: 'export builder',
      work: {
        claim: () => this.claim(),
        renew: (row) => this.renew(row.id),
        run: (row, lease) => this.build(row, lease),
        describe: (row) => `export ${row.id}`,
        logFields: (row) => ({ exportId: row.id }),
      },
      log: deps.log,
      pollMs: deps.pollMs ?? POLL_MS,
      ...(deps.heartbeatMs !== undefined ? { heartbeatMs: deps.heartbeatMs } : {}),
    });
  }

  start(): void {
    this.worker.start();
  }

  kick(): void {
    this.worker.kick();
  }

  stop(): Promise<void> {
    return this.worker.stop();
  }

  /** Build every export due now, in this process (tests and `settle()`): resolves when none is left. */
  async drain(): Promise<number> {
    let built = 0;
    while ((await this.worker.runOnce()) !== undefined) built += 1;
    return built;
  }

  private leaseUntil(): string {
    return new Date(this.deps.clock.now().getTime() + this.leaseMs).toISOString();
  }

  /**
   * The oldest export waiting, or being built under a lease that lapsed. Taken with a conditional
   * update that re-checks what was read, so two processes racing for one row cannot both win.
   */
  private async claim(): Promise<ExportRow | undefined> {
    const db = this.deps.db.kysely;
    for (let tries = 0; tries < 5; tries += 1) {
      const now = this.deps.clock.now().toISOString();
      const due = (qb: typeof candidates) =>
        qb.where((eb) =>
          eb.or([eb('state', '=', 'pending'), eb.and([eb('state', '=', 'building'), eb('claimed_until', '<', now)])]),
        );
      const candidates = db.selectFrom('account_exports').select('id');
      const next = await due(candidates).orderBy('id').limit(1).executeTakeFirst();
      if (!next) return undefined;
      const claimed = await db
        .updateTable('account_exports')
        .set((eb) => ({
          state: 'building',
          claimed_by: this.holder,
          claimed_until: this.leaseUntil(),
          attempts: eb('attempts', '+', 1),
          items_done: 0,
        }))
        .where('id', '=', next.id)
        .where((eb) =>
          eb.or([eb('state', '=', 'pending'), eb.and([eb('state', '=', 'building'), eb('claimed_until', '<', now)])]),
        )
        .returningAll()
        .executeTakeFirst();
      if (claimed) return claimed;
    }
    return undefined;
  }

  private async renew(id: string): Promise<boolean> {
    const result = await this.deps.db.kysely
      .updateTable('account_exports')
      .set({ claimed_until: this.leaseUntil() })
      .where('id', '=', id)
      .where('claimed_by', '=', this.holder)
      .where('state', '=', 'building')
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  private async build(row: ExportRow, lease: AbortSignal): Promise<void> {
    const { db, blobs, clock, log } = this.deps;
    try {
      const owner = await db.kysely
        .selectFrom('users')
        .select('deleted_at')
        .where('id', '=', row.user_id)
        .executeTakeFirst();
      // The owner deleted the account meanwhile: nothing of it is handed out any more.
      if (!owner || owner.deleted_at !== null)
        return await this.finish(row, { state: 'failed', failure: 'account deleted' });
      const contents = await archiveContents(db.kysely, blobs, row.user_id, clock.now());
      await this.mine(row).set({ items_total: contents.total }).execute();
      let done = 0;
      const tar = tarStream(contents.entries, {
        beforeEntry: () => {
          if (lease.aborted)
            throw lease.reason instanceof Error ? lease.reason : new LeaseLostError(`export ${row.id}`);
        },
        afterEntry: async () => {
          done += 1;
          await this.mine(row).set({ items_done: done }).execute();
        },
      });
      const gzip = createGzip();
      const body = new PassThrough();
      const writing = pipeline(Readable.from(tar), gzip, body);
      const [info] = await Promise.all([blobs.put(exportKey(row), body, { contentType: 'application/gzip' }), writing]);
      const now = clock.now();
      await this.finish(row, {
        state: 'ready',
        blob_key: exportKey(row),
        size: info.size,
        ready_at: now.toISOString(),
        expires_at: new Date(now.getTime() + this.deps.settings.exportTtlMs).toISOString(),
      });
      log.info({ exportId: row.id, size: info.size, entries: contents.total }, 'account export ready');
    } catch (error) {
      if (lease.aborted) return; // another process has it now
      log.error({ err: error, exportId: row.id }, 'account export failed');
      const giveUp = row.attempts >= MAX_EXPORT_ATTEMPTS;
      await this.finish(
        row,
        giveUp ? { state: 'failed', failure: String((error as Error).message).slice(0, 500) } : { state: 'pending' },
      );
    }
  }

  /** Updates of the row while this process holds its lease. */
  private mine(row: ExportRow) {
    return this.deps.db.kysely
      .updateTable('account_exports')
      .where('id', '=', row.id)
      .where('claimed_by', '=', this.holder)
      .where('state', '=', 'building');
  }

  private async finish(
    row: ExportRow,
    change: {
      state: 'ready' | 'failed' | 'pending';
      blob_key?: string;
      size?: number;
      ready_at?: string;
      expires_at?: string;
      failure?: string;
    },
  ): Promise<void> {
    await this.mine(row)
      .set({ ...change, claimed_by: null, claimed_until: null })
      .execute();
  }
}
