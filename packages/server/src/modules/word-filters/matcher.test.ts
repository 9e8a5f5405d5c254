import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldForMatching, WordMatcher, wordsOf, type WordRule } from './matcher.js';
import { parseRulesFile } from './rules-file.js';

const rule = (term: string, action: WordRule['action'] = 'reject'): WordRule => ({ term, action, source: 'file' });
const matches = (term: string, text: string) => new WordMatcher([rule(term)]).match(text) !== undefined;

describe('foldForMatching', () => {
  it('folds case, compatibility forms, accents and invisible characters the same in every locale', () => {
    expect(foldForMatching('Straße')).toBe(foldForMatching('STRASSE'));
    expect(foldForMatching('İSTANBUL')).toBe('istanbul');
    expect(foldForMatching('ıstanbul')).toBe('istanbul');
    expect(foldForMatching('ＳＰＡＭ')).toBe('spam');
    expect(foldForMatching('ﬁne')).toBe('fine');
    expect(foldForMatching('ca\u0301fe\u0301')).toBe('cafe');
    expect(foldForMatching('s\u200dp\u200ba\u00adm\u2060')).toBe('spam');
    expect(foldForMatching('ΟΔΟΣ')).toBe(foldForMatching('οδος'));
  });
});

describe('WordMatcher', () => {
  it('matches whole words only, by Unicode letters and digits', () => {
    expect(matches('ass', 'what an ass!')).toBe(true);
    expect(matches('ass', 'first class')).toBe(false);
    expect(matches('ass', 'assess')).toBe(false);
    expect(matches('spam', 'spam2')).toBe(false);
    expect(matches('spam', '«spam»')).toBe(true);
    expect(matches('naïve', 'so naive')).toBe(true);
    expect(matches('дурак', 'ты Дурак.')).toBe(true);
    expect(matches('дурак', 'дураки')).toBe(false);
  });

  it('sees through the usual disguises', () => {
    expect(matches('strasse', 'die Straße')).toBe(true);
    expect(matches('straße', 'DIE STRASSE')).toBe(true);
    expect(matches('istanbul', 'İSTANBUL')).toBe(true);
    expect(matches('spam', 'ＳＰＡＭ here')).toBe(true);
    expect(matches('spam', 's\u200dp\u200da\u200dm')).toBe(true);
    expect(matches('spam', 's\u0336p\u0336a\u0336m\u0336')).toBe(true);
    expect(matches('spam', 'ṡṗäṁ')).toBe(true);
  });

  it('matches a phrase word by word, whatever separates the words', () => {
    expect(matches('buy followers', 'Cheap! Buy   FOLLOWERS now')).toBe(true);
    expect(matches('buy followers', 'buy-followers')).toBe(true);
    expect(matches('buy followers', 'buy more followers')).toBe(false);
    expect(matches('buy followers', 'buy')).toBe(false);
    // Han has no spaces: each character is a word, so a term matches inside a sentence.
    expect(matches('笨蛋', '你是笨蛋吗')).toBe(true);
    expect(matches('笨蛋', '笨的蛋')).toBe(false);
  });

  it('prefers reject over hold, whatever the order', () => {
    const matcher = new WordMatcher([rule('promo', 'hold'), rule('scam', 'reject')]);
    expect(matcher.match('promo scam')?.rule.action).toBe('reject');
    expect(matcher.match('promo only')?.rule).toMatchObject({ term: 'promo', action: 'hold' });
    expect(matcher.match('nothing here')).toBeUndefined();
  });

  const word = fc.stringMatching(/^[a-zà-öø-ÿ]{2,8}$/);
  const separator = fc.constantFrom(' ', '  ', ', ', '-', '\n', '!? ', ' \u200b');

  it('finds any term written into any text, in any case and with zero-width joiners inside', () => {
    fc.assert(
      fc.property(
        fc.array(word, { maxLength: 6 }),
        fc.array(word, { minLength: 1, maxLength: 3 }),
        fc.array(word, { maxLength: 6 }),
        separator,
        (before, term, after, sep) => {
          const disguised = term.map((w) => [...w.toUpperCase()].join('\u200d')).join(sep);
          const text = [...before, disguised, ...after].join(' ');
          expect(new WordMatcher([rule(term.join(' '))]).match(text)).toBeDefined();
        },
      ),
    );
  });

  it('never matches a term in text that lacks one of its words', () => {
    fc.assert(
      fc.property(
        fc.array(word, { maxLength: 10 }),
        fc.array(word, { minLength: 1, maxLength: 3 }),
        (textWords, term) => {
          const folded = new Set(textWords.flatMap((w) => wordsOf(w)));
          fc.pre(term.some((w) => wordsOf(w).some((part) => !folded.has(part))));
          expect(new WordMatcher([rule(term.join(' '))]).match(textWords.join(' '))).toBeUndefined();
        },
      ),
    );
  });

  it('matches the same whatever is glued around the text by non-word characters', () => {
    fc.assert(
      fc.property(word, fc.stringMatching(/^[ .,!?#@()-]{0,4}$/), (term, punctuation) => {
        expect(matches(term, `${punctuation}${term}${punctuation}`)).toBe(true);
        expect(matches(term, `x${term}`)).toBe(false);
      }),
    );
  });
});

describe('parseRulesFile', () => {
  it('reads one rule a line, with comments and blank lines', () => {
    const rules = parseRulesFile('# spam\nhold   buy followers  # bots\n\nREJECT scam\r\n');
    expect(rules).toEqual([
      { term: 'buy followers', action: 'hold', source: 'file' },
      { term: 'scam', action: 'reject', source: 'file' },
    ]);
  });

  it('refuses the whole file, naming every bad line', () => {
    expect(() => parseRulesFile('hold ok\nban scam\nreject ...\nreject')).toThrow(
      /line 2: expected "reject <term>" or "hold <term>"; line 3: a term needs at least one letter or digit; line 4/,
    );
  });
});
