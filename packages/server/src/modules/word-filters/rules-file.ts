import type { WordFilterAction } from '../../db/schema.js';
import { wordsOf, type WordRule } from './matcher.js';

export const WORD_FILTER_ACTIONS: readonly WordFilterAction[] = ['reject', 'hold'];

/** Longest term accepted, in characters: a phrase of a few words, not a paragraph. */
export const MAX_TERM_LENGTH = 200;

/**
 * Why `term` cannot be a rule, or undefined when it can: it must hold a word (letters or digits),
 * and stay short.
 */
export function termProblem(term: string): string | undefined {
  if (term.length > MAX_TERM_LENGTH) return `a term is at most ${MAX_TERM_LENGTH} characters`;
  if (wordsOf(term).length === 0) return 'a term needs at least one letter or digit';
  return undefined;
}

/**
 * The word filter file: one rule a line, its action first, then the term (which may be several
 * words). Blank lines are skipped; `#` starts a comment, on a line of its own or after a rule (a
 * `#` is never part of a word, so no term needs one).
 *
 * ```
 * # spam
 * hold   buy followers
 * reject some slur
 * ```
 *
 * Throws, naming every bad line, when any line is not a rule: a half-read file would quietly drop
 * rules the operator believes are active.
 */
export function parseRulesFile(text: string): WordRule[] {
  const rules: WordRule[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const match = /^(\S+)\s+(.+)$/.exec(line);
    const action = match?.[1]?.toLowerCase() as WordFilterAction | undefined;
    if (!match || !action || !WORD_FILTER_ACTIONS.includes(action)) {
      problems.push(`line ${index + 1}: expected "reject <term>" or "hold <term>"`);
      return;
    }
    const term = match[2]!.trim();
    const problem = termProblem(term);
    if (problem) problems.push(`line ${index + 1}: ${problem}`);
    else rules.push({ term, action, source: 'file' });
  });
  if (problems.length > 0) throw new Error(problems.join('; '));
  return rules;
}
