import type { WordFilterAction } from '../../db/schema.js';

/** One rule: a term (one word or a phrase) and what a match does. */
export interface WordRule {
  term: string;
  action: WordFilterAction;
  /** `file` (APERTURE_WORD_FILTER_FILE) or `admin` (`aperture admin words`). */
  source: 'file' | 'admin';
}

/**
 * Invisible characters that can be slipped inside a word to break a match without changing how it
 * looks: zero-width space, non-joiner and joiner, word joiner, soft hyphen, the byte order mark,
 * bidirectional marks and the other format characters (Unicode category Cf).
 */
const INVISIBLE = /\p{Cf}/gu;

/**
 * Combining diacritical marks (the Latin, Greek and Cyrillic accents, and the marks stacked on
 * letters to disguise them). Only these blocks: the vowel signs of Indic scripts are marks too, and
 * dropping them would make different words equal.
 */
const DIACRITIC_BLOCKS: [number, number][] = [
  [0x0300, 0x036f], // Combining Diacritical Marks
  [0x1ab0, 0x1aff], // … Extended
  [0x1dc0, 0x1dff], // … Supplement
  [0x20d0, 0x20ff], // … for Symbols
  [0xfe20, 0xfe2f], // Combining Half Marks
];
// Built from the numbers: a literal class of lone combining marks reads as garbled text.
const DIACRITICS = new RegExp(
  `[${DIACRITIC_BLOCKS.map(([from, to]) => `\\u{${from.toString(16)}}-\\u{${to.toString(16)}}`).join('')}]`,
  'gu',
);

/**
 * Text as the filters compare it, the same for every locale: compatibility forms unified (NFKC:
 * full-width letters, ligatures, superscripts), invisible characters dropped, case folded through
 * upper case (so "ß" and "SS", "ﬀ" and "FF" agree), the dotless and dotted i of Turkish folded to
 * i, the final sigma to sigma, and accents removed.
 */
export function foldForMatching(text: string): string {
  const folded = text.normalize('NFKC').replace(INVISIBLE, '').toUpperCase().toLowerCase();
  return folded.replace(/ı/g, 'i').replace(/ς/g, 'σ').normalize('NFD').replace(DIACRITICS, '').normalize('NFC');
}

/**
 * A word: a run of letters, digits and the marks that belong to them. Han, Hiragana and Katakana
 * are written without spaces, so each of their characters is a word of its own, and a term in them
 * matches as a phrase of those characters.
 */
const WORD = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|[\p{L}\p{N}\p{M}]+/gu;

/** The words of `text`, folded. */
export function wordsOf(text: string): string[] {
  return foldForMatching(text).match(WORD) ?? [];
}

/** A rule that matched, and where it sits among the rules. */
export interface WordMatch {
  rule: WordRule;
}

/**
 * Rules compiled for matching: whole words only ("ass" does not match "class"), a phrase matches
 * its words in order with anything but letters and digits between them ("buy followers",
 * "buy-followers", "BUY  FOLLOWERS"). `reject` wins over `hold` when both match.
 */
export class WordMatcher {
  /** Rules by their first word, each with all its words. */
  private readonly byFirstWord = new Map<string, { words: string[]; rule: WordRule }[]>();
  readonly size: number;

  constructor(rules: readonly WordRule[]) {
    let size = 0;
    for (const rule of rules) {
      const words = wordsOf(rule.term);
      const first = words[0];
      if (first === undefined) continue;
      const list = this.byFirstWord.get(first) ?? [];
      list.push({ words, rule });
      this.byFirstWord.set(first, list);
      size += 1;
    }
    this.size = size;
  }

  /** The rule `text` breaks (a `reject` one if any), or undefined. */
  match(text: string): WordMatch | undefined {
    if (this.size === 0) return undefined;
    const words = wordsOf(text);
    let held: WordMatch | undefined;
    for (let i = 0; i < words.length; i++) {
      for (const candidate of this.byFirstWord.get(words[i]!) ?? []) {
        if (!candidate.words.every((word, k) => words[i + k] === word)) continue;
        if (candidate.rule.action === 'reject') return { rule: candidate.rule };
        held ??= { rule: candidate.rule };
      }
    }
    return held;
  }
}
