import { describe, expect, it } from 'vitest';
import { extractHashtags, MAX_TAGS_PER_POST, normalizeTag } from './extract.js';

describe('extractHashtags', () => {
  it.each([
    ['plain', 'Sunset #beach', ['beach']],
    ['case folding', '#Beach #BEACH #beach', ['beach']],
    ['unicode letters', '#Café #日本語 #Ελλάδα #москва', ['café', '日本語', 'ελλάδα', 'москва']],
    ['NFKC full-width', '#ｓｅａ and #sea', ['sea']],
    ['NFKC composes accents', '#cafe\u0301 #café', ['café']],
    ['digits and underscores', '#summer_2024 #2024summer', ['summer_2024', '2024summer']],
    ['digits alone are not a tag', '#1 #2024', []],
    ['punctuation ends a tag', 'Love #sun, #sea! (#sand). #surf?', ['sun', 'sea', 'sand', 'surf']],
    ['glued to a word or URL is not a tag', 'a#b https://x.org/#frag &#39; ##double', []],
    ['a lone hash', '# #', []],
    ['order of first appearance', '#b #a #b #c', ['b', 'a', 'c']],
  ])('%s', (_name, caption, expected) => {
    expect(extractHashtags(caption)).toEqual(expected);
  });

  it('ignores tags longer than 100 characters', () => {
    expect(extractHashtags(`#${'a'.repeat(100)} #${'b'.repeat(101)}`)).toEqual(['a'.repeat(100)]);
  });

  it('keeps at most 30 tags', () => {
    const caption = Array.from({ length: 40 }, (_, i) => `#t${i}`).join(' ');
    const tags = extractHashtags(caption);
    expect(tags).toHaveLength(MAX_TAGS_PER_POST);
    expect(tags[0]).toBe('t0');
    expect(tags.at(-1)).toBe('t29');
  });

  it('normalises a looked-up name the way it stores one', () => {
    expect(normalizeTag('ＣＡＦＥ\u0301')).toBe('café');
  });
});
