import { sql } from 'kysely';
import type { Db } from '../../db/connect.js';
import { preparedQuery, type ParamRefs } from '../../db/prepared-query.js';
import type { Reads } from '../../db/reads.js';
import type { UserRow } from '../../db/schema.js';
import type { Wakeups } from '../../db/wakeups.js';
import type { Clock } from '../../clock.js';
import type { IdGenerator } from '../../ids/snowflake.js';
import { AppError } from '../../errors/app-error.js';
import type { PasswordHasher } from './passwords.js';
import { presentPrivateUser, presentSession, type AvatarUrls } from './presenter.js';
import type { LoginInput, RegisterInput } from './schemas.js';
import type { SessionActivity } from './session-activity.js';
import { LoginThrottle } from './throttle.js';
import { hashToken, looksLikeSessionToken, newSessionToken } from './tokens.js';
import type { AuthResult, ClientInfo, PrivateUser, SessionInfo, UserRole as Role, Viewer } from './types.js';

export interface AccountsServiceDeps {
  db: Db;
  ids: IdGenerator;
  clock: Clock;
  passwords: PasswordHasher;
  sessionTtlDays: number;
  avatarUrls: AvatarUrls;
  /** Where `authenticate` notes session use (written behind, not in the request). */
  activity: SessionActivity;
  /**
   * Called once a session's revocation has committed (logout, revokeSession), before the call
   * returns: whatever this process keeps open for the session (live streams) ends at once.
   */
  onSessionEnded?: (sessionId: string) => void;
  /** How other processes hear of a revocation (a `sessions` wake-up sent in its transaction). */
  wakeups: Wakeups;
  /** A new account is its owner's first write: their first reads must find it. */
  reads?: Pick<Reads, 'noteWrite' | 'usesReplica'>;
}

/** How often a session's last-used time is noted: at most once a minute, not on every request. */
const TOUCH_INTERVAL_MS = 60_000;

/** Every authenticated request runs this: compiled once. */
const sessionByTokenHash = preparedQuery((db, p: ParamRefs<{ tokenHash: string }>) =>
  db
    .selectFrom('sessions')
    .select([
      'id',
      'user_id',
      'last_used_at',
      'expires_at',
      'revoked_at',
      sql<string | null>`null`.as('last_write_lsn'),
    ])
    .where('token_hash', '=', p.value('tokenHash')),
);

/**
 * The same with the user's last write position, which decides in any process whether their reads
 * may use the replica: only with a replica is the join worth its cost on every request.
 */
const sessionWithWritePosition = preparedQuery((db, p: ParamRefs<{ tokenHash: string }>) =>
  db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id',
      'sessions.user_id',
      'sessions.last_used_at',
      'sessions.expires_at',
      'sessions.revoked_at',
      'users.last_write_lsn',
    ])
    .where('sessions.token_hash', '=', p.value('tokenHash')),
);

/** Moderation procedures read the caller's role with every call. */
const roleQuery = preparedQuery((db, p: ParamRefs<{ userId: string }>) =>
  db.selectFrom('users').select(['role', 'suspended_at']).where('id', '=', p.id('userId')),
);

/** Of some sessions, those neither revoked nor expired: live streams ask every few seconds. */
const activeSessionsQuery = preparedQuery((db, p: ParamRefs<{ ids: string[]; now: string }>) =>
  db
    .selectFrom('sessions')
    .select('id')
    .where(p.idIn('id', 'ids'))
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', p.value('now')),
);

export class AccountsService {
  private readonly throttle: LoginThrottle;

  constructor(private readonly deps: AccountsServiceDeps) {
    this.throttle = new LoginThrottle(deps.db.kysely);
  }

  async register(input: RegisterInput, client: ClientInfo): Promise<AuthResult> {
    const { db, ids, clock, passwords } = this.deps;
    const emailKey = input.email.toLowerCase();
    await this.assertAvailable(input.username, emailKey);
    const passwordHash = await passwords.hash(input.password);
    const now = clock.now().toISOString();
    const userId = ids.next();
    try {
      await db.kysely
        .insertInto('users')
        .values({
          id: userId,
          username: input.username,
          username_key: input.username,
          email: input.email,
          email_key: emailKey,
          password_hash: passwordHash,
          display_name: input.displayName || input.username,
          bio: '',
          created_at: now,
          updated_at: now,
          last_active_at: now,
          // The first account of an instance administers it (docs/moderation.md).
          role: sql<Role>`(case when exists (select 1 from users) then 'user' else 'admin' end)`,
        })
        .execute();
    } catch (error) {
      // Two registrations racing past assertAvailable: the unique index decides, with the same error.
      const violation = db.caps.isUniqueViolation(error);
      if (violation?.columns.includes('email_key')) throw new AppError('EMAIL_TAKEN');
      if (violation?.columns.includes('username_key')) throw new AppError('USERNAME_TAKEN');
      throw error;
    }
    await this.deps.reads?.noteWrite(userId);
    return this.openSession(await this.getUserRow(userId), client);
  }

  /**
   * Sign in by username or email. Unknown account and wrong password take the same work and
   * give the same error; repeated failures on one name back off exponentially.
   */
  async login(input: LoginInput, client: ClientInfo): Promise<AuthResult> {
    const { db, clock, passwords } = this.deps;
    const key = input.username.toLowerCase();
    await this.throttle.assertAllowed(key, clock.now());
    const column = key.includes('@') ? 'email_key' : 'username_key';
    const user = await db.kysely.selectFrom('users').selectAll().where(column, '=', key).executeTakeFirst();
    const ok = user ? await passwords.verify(user.password_hash, input.password) : false;
    if (!user) await passwords.verifyAgainstDummy(input.password);
    if (!user || !ok) {
      await this.throttle.recordFailure(key, clock.now());
      throw new AppError('INVALID_CREDENTIALS');
    }
    await this.throttle.reset(key);
    // Checked after the password, so only the account's owner learns it is deleted or suspended.
    if (user.deleted_at !== null) throw new AppError('ACCOUNT_DELETED');
    if (user.suspended_at !== null) throw new AppError('ACCOUNT_SUSPENDED');
    return this.openSession(user, client);
  }

  /**
   * The viewer's role as the database holds it now: moderation procedures ask on every call, so a
   * grant or a revocation counts from the next request. Null when the account is gone or suspended.
   */
  async roleOf(userId: string): Promise<Role | null> {
    const row = await roleQuery.executeTakeFirst(this.deps.db.kysely, { userId });
    return row && row.suspended_at === null ? row.role : null;
  }

  /** The viewer for a bearer token, or null when the token is unknown, revoked or expired. */
  async authenticate(token: string): Promise<Viewer | null> {
    if (!looksLikeSessionToken(token)) return null;
    const { db, clock } = this.deps;
    const now = clock.now();
    const query = this.deps.reads?.usesReplica ? sessionWithWritePosition : sessionByTokenHash;
    const session = await query.executeTakeFirst(db.kysely, { tokenHash: hashToken(token) });
    if (!session || session.revoked_at !== null || session.expires_at <= now.toISOString()) return null;
    if (now.getTime() - Date.parse(session.last_used_at) > TOUCH_INTERVAL_MS) {
      this.deps.activity.note(session.id, session.user_id, now.toISOString());
    }
    return { userId: session.user_id, sessionId: session.id, lastWriteLsn: session.last_write_lsn };
  }

  async logout(viewer: Viewer): Promise<void> {
    await this.revokeSession(viewer, viewer.sessionId);
  }

  async me(viewer: Viewer): Promise<PrivateUser> {
    return presentPrivateUser(await this.getUserRow(viewer.userId), this.deps.avatarUrls);
  }

  /** Active sessions of the viewer, newest first. */
  async listSessions(viewer: Viewer): Promise<SessionInfo[]> {
    const rows = await this.deps.db.kysely
      .selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', viewer.userId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', this.deps.clock.now().toISOString())
      .orderBy('id', 'desc')
      .execute();
    return rows.map((row) => presentSession(row, viewer.sessionId));
  }

  /** Revoke one of the viewer's own sessions; someone else's session answers not-found. */
  async revokeSession(viewer: Viewer, sessionId: string): Promise<void> {
    const { db, clock, wakeups } = this.deps;
    const revoked = await db.kysely.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('sessions')
        .set({ revoked_at: clock.now().toISOString() })
        .where('id', '=', sessionId)
        .where('user_id', '=', viewer.userId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) return false;
      // Other processes' live streams of this session end when the revocation commits.
      await wakeups.notify(trx, 'sessions', sessionId);
      return true;
    });
    if (!revoked) throw new AppError('NOT_FOUND', 'No such session.');
    this.deps.onSessionEnded?.(sessionId);
  }

  /**
   * Which of these sessions are still signed in (not revoked, not expired by the clock). Read from
   * the database, so a revocation by another process counts as soon as it committed.
   */
  async activeSessions(sessionIds: readonly string[]): Promise<Set<string>> {
    if (sessionIds.length === 0) return new Set();
    const rows = await activeSessionsQuery.execute(this.deps.db.kysely, {
      ids: [...sessionIds],
      now: this.deps.clock.now().toISOString(),
    });
    return new Set(rows.map((row) => row.id));
  }

  private async assertAvailable(usernameKey: string, emailKey: string): Promise<void> {
    const clash = await this.deps.db.kysely
      .selectFrom('users')
      .select(['username_key', 'email_key'])
      .where((eb) => eb.or([eb('username_key', '=', usernameKey), eb('email_key', '=', emailKey)]))
      .execute();
    if (clash.some((row) => row.username_key === usernameKey)) throw new AppError('USERNAME_TAKEN');
    if (clash.some((row) => row.email_key === emailKey)) throw new AppError('EMAIL_TAKEN');
  }

  private async getUserRow(userId: string): Promise<UserRow> {
    const row = await this.deps.db.kysely.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
    if (!row) throw new AppError('UNAUTHENTICATED', 'This account no longer exists.');
    return row;
  }

  private async openSession(user: UserRow, client: ClientInfo): Promise<AuthResult> {
    const { db, ids, clock, sessionTtlDays } = this.deps;
    const token = newSessionToken();
    const now = clock.now();
    const row = {
      id: ids.next(),
      user_id: user.id,
      token_hash: hashToken(token),
      user_agent: client.userAgent?.slice(0, 256) ?? null,
      ip: client.ip,
      created_at: now.toISOString(),
      last_used_at: now.toISOString(),
      expires_at: new Date(now.getTime() + sessionTtlDays * 86_400_000).toISOString(),
      revoked_at: null,
    };
    await db.kysely.transaction().execute(async (trx) => {
      // The user's row is locked (Postgres) and read again with the session's insert, so a
      // suspension committing meanwhile either comes first and is seen here, or comes after and
      // revokes this session with the others: no session outlives a suspension.
      const current = await trx
        .selectFrom('users')
        .select(['suspended_at', 'deleted_at'])
        .where('id', '=', user.id)
        .$if(db.caps.supportsRowLocks, (qb) => qb.forUpdate())
        .executeTakeFirst();
      if (!current) throw new AppError('UNAUTHENTICATED', 'This account no longer exists.');
      if (current.deleted_at !== null) throw new AppError('ACCOUNT_DELETED');
      if (current.suspended_at !== null) throw new AppError('ACCOUNT_SUSPENDED');
      await trx.insertInto('sessions').values(row).execute();
    });
    return { token, user: presentPrivateUser(user, this.deps.avatarUrls), session: presentSession(row, row.id) };
  }
}
