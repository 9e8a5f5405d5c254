import { describe, expect, it } from 'vitest';
import { captionSnippet } from './snippet.js';

describe('captionSnippet', () => {
  it('keeps a short caption whole, with its whitespace collapsed', () => {
    expect(captionSnippet('  Harbour\n\nat   dusk ')).toBe('Harbour at dusk');
    expect(captionSnippet('')).toBe('');
  });

  it('cuts a long caption at a word and says so', () => {
    const snippet = captionSnippet('word '.repeat(40), 22);
    expect(snippet).toBe('word word word word…');
  });

  it('cuts an unbroken word where it must, and never splits an emoji', () => {
    expect(captionSnippet('a'.repeat(30), 10)).toBe(`${'a'.repeat(10)}…`);
    const flags = '🇫🇷'.repeat(12);
    expect(captionSnippet(flags, 10)).toBe(`${'🇫🇷'.repeat(10)}…`);
  });
});
