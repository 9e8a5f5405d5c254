// Usernames are 3–30 of [a-z0-9_.]; a mention must not sit inside a word or an email address.
const MENTION = /(?<![\w.@])@([A-Za-z0-9_.]{3,30})/g;

/** The distinct lower-cased usernames `@mentioned` in a text (at most `max`). */
export function extractMentions(text: string, max = 20): string[] {
  const names = new Set<string>();
  for (const match of text.matchAll(MENTION)) {
    const name = match[1]?.replace(/\.+$/, '').toLowerCase();
    if (name && name.length >= 3) names.add(name);
    if (names.size >= max) break;
  }
  return [...names];
}
