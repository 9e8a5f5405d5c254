import type { Kysely } from 'kysely';
import type { Database, WordFilterAction } from '../../db/schema.js';
import { AppError } from '../../errors/app-error.js';
import { foldForMatching } from './matcher.js';
import { termProblem } from './rules-file.js';

/** A rule `aperture admin words add` stored. */
export interface AdminWordRule {
  term: string;
  action: WordFilterAction;
  createdAt: string;
}

/** The stored rules, in the order they were added. */
export async function listAdminRules(db: Kysely<Database>): Promise<AdminWordRule[]> {
  const rows = await db.selectFrom('word_filters').selectAll().orderBy('created_at').orderBy('term_key').execute();
  return rows.map((row) => ({ term: row.term, action: row.action, createdAt: row.created_at }));
}

/** Adds a rule, or changes the action of the rule with the same folded term. */
export async function addAdminRule(
  db: Kysely<Database>,
  term: string,
  action: WordFilterAction,
  now: Date,
): Promise<void> {
  const trimmed = term.trim();
  const problem = termProblem(trimmed);
  if (problem) throw new AppError('VALIDATION_FAILED', `Not a word filter term: ${problem}.`);
  await db
    .insertInto('word_filters')
    .values({ term_key: foldForMatching(trimmed), term: trimmed, action, created_at: now.toISOString() })
    .onConflict((oc) => oc.column('term_key').doUpdateSet({ term: trimmed, action }))
    .execute();
}

/** Removes the rule whose folded term is `term`'s ("SPÄTZLE" removes "Spätzle"); false when none. */
export async function removeAdminRule(db: Kysely<Database>, term: string): Promise<boolean> {
  const result = await db
    .deleteFrom('word_filters')
    .where('term_key', '=', foldForMatching(term.trim()))
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
