/** Longest hashtag kept (longer ones are ignored, not truncated, so a tag never changes meaning). */
export const MAX_TAG_LENGTH = 100;
/** Most hashtags kept per caption; the rest are ignored (Instagram's limit). */
export const MAX_TAGS_PER_POST = 30;

// `#` not glued to a preceding word, URL path or entity (`a#b`, `/#x`, `&#39;`), then letters,
// combining marks, digits and underscores. The body must hold a letter: `#1` is a number, not a tag.
const HASHTAG = /(?<![\p{L}\p{M}\p{N}_/&#])#([\p{L}\p{M}\p{N}_]+)/gu;
const HAS_LETTER = /\p{L}/u;

/**
 * The normal form tags are stored and looked up in: NFKC (so full-width and ligature forms match
 * their plain forms) and case-folded (`toLowerCase`, then NFKC again since lowering can denormalise).
 */
export function normalizeTag(raw: string): string {
  return raw.normalize('NFKC').toLowerCase().normalize('NFKC');
}

/** The distinct hashtags of a caption, normalised, in order of first appearance. */
export function extractHashtags(caption: string): string[] {
  const found = new Set<string>();
  for (const match of caption.normalize('NFKC').matchAll(HASHTAG)) {
    const name = normalizeTag(match[1] ?? '');
    if (name.length === 0 || name.length > MAX_TAG_LENGTH || !HAS_LETTER.test(name)) continue;
    found.add(name);
    if (found.size === MAX_TAGS_PER_POST) break;
  }
  return [...found];
}

/** A user's tag query (`#Sea`, `sea`) as a stored name, or null when it cannot name a tag. */
export function tagQuery(input: string): string | null {
  const name = normalizeTag(input.trim().replace(/^#/, ''));
  return /^[\p{L}\p{M}\p{N}_]+$/u.test(name) && name.length <= MAX_TAG_LENGTH ? name : null;
}
