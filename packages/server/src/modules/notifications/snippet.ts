/** Graphemes of a caption a notification carries: enough to recognise the post on one line. */
export const SNIPPET_LENGTH = 80;

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * The start of a caption for a notification: whitespace (newlines too) collapsed to single spaces,
 * cut after at most `max` graphemes — at the last space when one is near, so a word is not
 * halved — and ended with `…` when cut. Counting graphemes keeps an emoji or an accented letter
 * whole. `''` for a post without a caption.
 */
export function captionSnippet(caption: string, max = SNIPPET_LENGTH): string {
  const text = caption.replace(/\s+/g, ' ').trim();
  const parts = Array.from(graphemes.segment(text), (s) => s.segment);
  if (parts.length <= max) return text;
  const cut = parts.slice(0, max).join('');
  const space = cut.lastIndexOf(' ');
  // A space in the last quarter ends the snippet on a whole word; a long unbroken word is cut.
  const kept = space >= cut.length * 0.75 ? cut.slice(0, space) : cut;
  return `${kept.trimEnd()}…`;
}
