import { readFile, stat } from 'node:fs/promises';
import type { Transaction } from 'kysely';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connect.js';
import type { ContentHoldsTable, Database, WordFilterAction } from '../../db/schema.js';
import { AppError } from '../../errors/app-error.js';
import type { Outbox } from '../../events/outbox.js';
import type { IdGenerator } from '../../ids/snowflake.js';
import type { BackgroundTask } from '../../lib/background-task.js';
import { cachedReading } from '../../lib/cached-reading.js';
import type { Logger } from '../../lib/logger.js';
import { addAdminRule, listAdminRules, removeAdminRule, type AdminWordRule } from './admin-rules.js';
import { releaseHold } from './holds.js';
import { WordMatcher, type WordRule } from './matcher.js';
import { parseRulesFile } from './rules-file.js';
import { presentHold } from './presenter.js';
import type { HeldItem } from './types.js';

/** How often the rules file is checked for a change, and the admin rules re-read from the database. */
export const RULES_FILE_POLL_MS = 2_000;
export const ADMIN_RULES_TTL_MS = 5_000;

export interface WordFiltersDeps {
  db: Db;
  ids: IdGenerator;
  clock: Clock;
  log: Logger;
  /** Releasing a hold emits the events its write held back (fan-out, notifications). */
  outbox: Outbox;
  /** APERTURE_WORD_FILTER_FILE, absolute; undefined: rules come from the database only. */
  file: string | undefined;
}

/** What a held write records: the post (and comment) held, and the rule that matched. */
export interface NewHold {
  subject: ContentHoldsTable['subject'];
  postId: string;
  commentId: string | null;
  authorId: string;
  rule: WordRule;
}

/**
 * Word filters: terms that refuse a comment or caption (`reject`) or hold it for a moderator
 * (`hold`: saved, shown to its author only, until released). Rules come from the operator's file,
 * re-read when it changes, and from the `word_filters` table `aperture admin words` edits, re-read
 * every few seconds. The holds it records are the moderator queue's input (`listHeld`, `release`).
 */
export class WordFilters {
  private fileMatcher = new WordMatcher([]);
  private fileStamp: string | undefined;
  /** Re-created when this process edits the rules, so its own edits apply at once. */
  private adminMatcher: () => Promise<WordMatcher>;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: WordFiltersDeps) {
    this.adminMatcher = this.cachedAdminRules();
  }

  /** Reads the rules file; throws, naming the bad lines, when it cannot be used. Called at start. */
  async loadFile(): Promise<void> {
    const { file } = this.deps;
    if (file === undefined) return;
    const info = await stat(file);
    const rules = parseRulesFile(await readFile(file, 'utf8'));
    this.fileMatcher = new WordMatcher(rules);
    this.fileStamp = `${info.mtimeMs}:${info.size}`;
  }

  /** Reads the file again if it changed; a broken change is logged and the rules before it stay. */
  async reloadIfChanged(): Promise<void> {
    const { file, log } = this.deps;
    if (file === undefined) return;
    try {
      const info = await stat(file);
      if (`${info.mtimeMs}:${info.size}` === this.fileStamp) return;
      await this.loadFile();
      log.info({ file, rules: this.fileMatcher.size }, 'word filter file reloaded');
    } catch (error) {
      log.error({ err: error, file }, 'word filter file not reloaded: the rules before the change stay');
    }
  }

  /** The every-role task that watches the file (every process checks what it serves). */
  fileWatch(): BackgroundTask {
    return {
      name: 'word filter file',
      runsIn: 'every-role',
      start: () => {
        if (this.deps.file === undefined || this.timer) return;
        this.timer = setInterval(() => void this.reloadIfChanged(), RULES_FILE_POLL_MS).unref();
      },
      flush: () => this.reloadIfChanged(),
      stop: async () => {
        clearInterval(this.timer);
        this.timer = undefined;
      },
    };
  }

  /**
   * Screens a comment or caption: throws CONTENT_REJECTED for a `reject` match (the message never
   * names the term), returns the `hold` rule that matched, or undefined.
   */
  async screen(text: string): Promise<WordRule | undefined> {
    if (text === '') return undefined;
    const matches = [this.fileMatcher.match(text), (await this.adminMatcher()).match(text)];
    if (matches.some((m) => m?.rule.action === 'reject')) throw new AppError('CONTENT_REJECTED');
    return matches.find((m) => m !== undefined)?.rule;
  }

  /** Records a hold in the writing transaction, so the held row and its reason commit together. */
  async recordHold(trx: Transaction<Database>, hold: NewHold): Promise<void> {
    await trx
      .insertInto('content_holds')
      .values({
        id: this.deps.ids.next(),
        subject: hold.subject,
        post_id: hold.postId,
        comment_id: hold.commentId,
        author_id: hold.authorId,
        rule_term: hold.rule.term,
        rule_source: hold.rule.source,
        created_at: this.deps.clock.now().toISOString(),
        released_at: null,
      })
      .execute();
  }

  /** Holds not yet released, oldest first: what a moderator queue lists. */
  async listHeld(options: { limit?: number; afterId?: string } = {}): Promise<HeldItem[]> {
    const rows = await this.deps.db.kysely
      .selectFrom('content_holds')
      .selectAll()
      .where('released_at', 'is', null)
      .$if(options.afterId !== undefined, (qb) => qb.where('id', '>', options.afterId!))
      .orderBy('id', 'asc')
      .limit(options.limit ?? 100)
      .execute();
    return rows.map(presentHold);
  }

  /** The pending holds of a post (its own, not its comments') or of a comment, oldest first. */
  async pendingHolds(of: { postId: string } | { commentId: string }): Promise<HeldItem[]> {
    const rows = await this.deps.db.kysely
      .selectFrom('content_holds')
      .selectAll()
      .where('released_at', 'is', null)
      .$if('postId' in of, (qb) => qb.where('post_id', '=', (of as { postId: string }).postId))
      .$if('postId' in of, (qb) => qb.where('comment_id', 'is', null))
      .$if('commentId' in of, (qb) => qb.where('comment_id', '=', (of as { commentId: string }).commentId))
      .orderBy('id', 'asc')
      .execute();
    return rows.map(presentHold);
  }

  /**
   * Releases a hold (`releaseHold`) in a transaction of its own. False when there is no such
   * pending hold. Moderators release through `moderation.releaseHold`, which logs it.
   */
  async release(holdId: string): Promise<boolean> {
    const now = this.deps.clock.now().toISOString();
    const released = await this.deps.outbox.write((trx, emit) => releaseHold(trx, emit, holdId, now));
    return released !== undefined;
  }

  /** The rules `aperture admin words` added, in the order they were added. */
  listAdminRules(): Promise<AdminWordRule[]> {
    return listAdminRules(this.deps.db.kysely);
  }

  /** Adds a rule (or changes its action); this process applies it at once, the others within 5 s. */
  async addAdminRule(term: string, action: WordFilterAction): Promise<void> {
    await addAdminRule(this.deps.db.kysely, term, action, this.deps.clock.now());
    this.adminMatcher = this.cachedAdminRules();
  }

  /** Removes the rule with `term`'s folded form; false when there is none. */
  async removeAdminRule(term: string): Promise<boolean> {
    const removed = await removeAdminRule(this.deps.db.kysely, term);
    this.adminMatcher = this.cachedAdminRules();
    return removed;
  }

  private cachedAdminRules(): () => Promise<WordMatcher> {
    return cachedReading(
      async () => {
        const rows = await this.deps.db.kysely.selectFrom('word_filters').select(['term', 'action']).execute();
        return new WordMatcher(rows.map((row) => ({ term: row.term, action: row.action, source: 'admin' as const })));
      },
      ADMIN_RULES_TTL_MS,
      () => this.deps.clock.now().getTime(),
    );
  }
}
