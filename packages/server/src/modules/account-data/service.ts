import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connect.js';
import type { Wakeups } from '../../db/wakeups.js';
import type { AccountDataSettings } from '../../config/account-data-settings.js';
import { AppError } from '../../errors/app-error.js';
import type { IdGenerator } from '../../ids/snowflake.js';
import type { PasswordHasher } from '../accounts/passwords.js';
import { LoginThrottle } from '../accounts/throttle.js';
import type { Viewer } from '../accounts/types.js';
import { archiveFileName, presentExport, type ExportRow } from './presenter.js';
import type { DeleteAccountInput } from './schemas.js';
import type { AccountDeletion, AccountExport } from './types.js';
import type { ExportUrlSigner } from './urls.js';

export interface AccountDataServiceDeps {
  db: Db;
  ids: IdGenerator;
  clock: Clock;
  passwords: PasswordHasher;
  settings: AccountDataSettings;
  urls: ExportUrlSigner;
  /** An export was requested in this process: the builder looks now rather than at its next poll. */
  onExportRequested?: () => void;
  /** How other processes hear that the deleted account's sessions ended (their live streams close). */
  wakeups: Wakeups;
  /** Told of each session a deletion revoked, after the commit (this process's live streams). */
  onSessionEnded?: (sessionId: string) => void;
}

/** What the download route serves: the archive's blob, under the name it saves as. */
export interface ServableArchive {
  key: string;
  fileName: string;
}

/**
 * The account owner's control over their data: an export of everything they put in, and deleting
 * the account (docs/accounts.md). Exports are built by `ExportBuilder`, deletions finished by
 * `AccountPurge`, both in the background.
 */
export class AccountDataService {
  private readonly throttle: LoginThrottle;

  constructor(private readonly deps: AccountDataServiceDeps) {
    this.throttle = new LoginThrottle(deps.db.kysely);
  }

  /**
   * Starts an export of the viewer's data, or answers the one already being built: one at a time
   * per account (a partial unique index holds it, so two requests racing get the same export).
   */
  async startExport(viewer: Viewer): Promise<AccountExport> {
    const running = await this.running(viewer.userId);
    if (running) return this.present(running);
    const { db, ids, clock } = this.deps;
    try {
      await db.kysely
        .insertInto('account_exports')
        .values({
          id: ids.next(),
          user_id: viewer.userId,
          state: 'pending',
          claimed_by: null,
          claimed_until: null,
          blob_key: null,
          size: null,
          failure: null,
          created_at: clock.now().toISOString(),
          ready_at: null,
          expires_at: null,
        })
        .execute();
    } catch (error) {
      if (!db.caps.isUniqueViolation(error)) throw error;
    }
    this.deps.onExportRequested?.();
    const row = await this.running(viewer.userId);
    // Built already in the moment between the insert and this read: the newest one is it.
    return this.present(row ?? (await this.latest(viewer.userId))!);
  }

  /** The viewer's latest export, or null when they never asked for one (or it was cleaned up). */
  async exportStatus(viewer: Viewer): Promise<AccountExport | null> {
    const row = await this.latest(viewer.userId);
    return row ? this.present(row) : null;
  }

  /**
   * The archive a signed link names, when the signature holds and the archive is still there:
   * SIGNATURE_INVALID / SIGNATURE_EXPIRED for a bad link, NOT_FOUND for an archive gone.
   */
  async openArchive(exportId: string, file: string, exp: string | undefined, sig: string | undefined) {
    if (!/^\d{1,20}$/.test(exportId)) throw new AppError('NOT_FOUND', 'No such export.');
    this.deps.urls.verify(exportId, exp, sig);
    const row = await this.deps.db.kysely
      .selectFrom('account_exports')
      .selectAll()
      .where('id', '=', exportId)
      .executeTakeFirst();
    const now = this.deps.clock.now().toISOString();
    if (!row || row.state !== 'ready' || row.blob_key === null || (row.expires_at ?? '') <= now) {
      throw new AppError('NOT_FOUND', 'This export is no longer available; start a new one.');
    }
    if (file !== archiveFileName(row)) throw new AppError('NOT_FOUND', 'No such export file.');
    return { key: row.blob_key, fileName: archiveFileName(row) } satisfies ServableArchive;
  }

  /**
   * Deletes the viewer's account, after checking the password again. At once, in one transaction:
   * the account and everything of it are hidden from everyone (`suspended_at` joins the
   * suspension's visibility path), every session is revoked, and sign-in answers ACCOUNT_DELETED.
   * `AccountPurge` removes it all after the grace period. There is no undo (docs/accounts.md).
   */
  async deleteAccount(viewer: Viewer, input: DeleteAccountInput): Promise<AccountDeletion> {
    const { db, clock, passwords, wakeups } = this.deps;
    const user = await db.kysely
      .selectFrom('users')
      .select(['username_key', 'password_hash', 'deleted_at'])
      .where('id', '=', viewer.userId)
      .executeTakeFirst();
    if (!user || user.deleted_at !== null) throw new AppError('UNAUTHENTICATED', 'This account no longer exists.');
    // Wrong passwords count against the account like failed sign-ins: a stolen session cannot guess on.
    await this.throttle.assertAllowed(user.username_key, clock.now());
    if (!(await passwords.verify(user.password_hash, input.password))) {
      await this.throttle.recordFailure(user.username_key, clock.now());
      throw new AppError('INVALID_CREDENTIALS', 'Wrong password.');
    }
    await this.throttle.reset(user.username_key);
    const now = clock.now();
    const deletedAt = now.toISOString();
    const purgeAfter = new Date(now.getTime() + this.deps.settings.deletionGraceMs).toISOString();
    const ended = await db.kysely.transaction().execute(async (trx) => {
      // The user's row first: a sign-in in flight holds it until its session is written, so its
      // session is either refused or among those revoked below (as a suspension does).
      await trx
        .updateTable('users')
        .set((eb) => ({
          deleted_at: deletedAt,
          purge_after: purgeAfter,
          suspended_at: eb.fn.coalesce('suspended_at', eb.val(deletedAt)),
        }))
        .where('id', '=', viewer.userId)
        .execute();
      const revoked = await trx
        .updateTable('sessions')
        .set({ revoked_at: deletedAt })
        .where('user_id', '=', viewer.userId)
        .where('revoked_at', 'is', null)
        .returning('id')
        .execute();
      for (const { id } of revoked) await wakeups.notify(trx, 'sessions', id);
      return revoked.map((row) => row.id);
    });
    for (const sessionId of ended) this.deps.onSessionEnded?.(sessionId);
    return { deletedAt, purgeAfter };
  }

  private present(row: ExportRow): AccountExport {
    return presentExport(row, this.deps.urls, this.deps.clock.now());
  }

  private running(userId: string): Promise<ExportRow | undefined> {
    return this.deps.db.kysely
      .selectFrom('account_exports')
      .selectAll()
      .where('user_id', '=', userId)
      .where('state', 'in', ['pending', 'building'])
      .executeTakeFirst();
  }

  private latest(userId: string): Promise<ExportRow | undefined> {
    return this.deps.db.kysely
      .selectFrom('account_exports')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }
}
