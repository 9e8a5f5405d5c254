import type { z } from 'zod';
import type { ValidationIssue } from '../../errors/app-error.js';

/**
 * C0 control characters no text input accepts: NUL (Postgres cannot store it in text at all, so it
 * would fail on one dialect only), and the others, which no caption, name or comment needs and
 * which can drive terminals (ESC sequences in `aperture`'s TUI) or rewrite what a log line shows.
 * Tab and line feed are ordinary text. Carriage return is too: browsers submit a textarea's line
 * breaks as CR LF and Windows clipboards carry them, so refusing CR would refuse ordinary
 * multi-line captions from those clients.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is this rule's purpose
const REFUSED_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;
/**
 * A surrogate that is not half of a pair (with `u` a proper pair is one code point, so only a lone
 * half matches): the test `!String.prototype.isWellFormed()` makes, which the ES2023 lib this
 * project compiles against does not declare. A lone half is not Unicode text; drivers would store it
 * as U+FFFD, silently changing what was sent.
 */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
/** Bidi embeddings, overrides and isolates: they make a name display as another name. */
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;

export const CONTROL_MESSAGE = 'Text may not contain control characters other than tab and line breaks.';
export const SURROGATE_MESSAGE = 'Text must be valid Unicode (a lone UTF-16 surrogate is not).';
export const BIDI_MESSAGE = 'Names may not contain bidirectional override or isolate characters.';
export const DEPTH_MESSAGE = 'The input is nested too deeply.';

/** Deeper than any procedure's input; a deeper input is refused before anything walks it. */
export const MAX_INPUT_DEPTH = 32;
const MAX_ISSUES = 10;

/** Why `text` breaks the text rule every input obeys, or undefined when it does not. */
export function textProblem(text: string): string | undefined {
  if (REFUSED_CONTROL.test(text)) return CONTROL_MESSAGE;
  if (LONE_SURROGATE.test(text)) return SURROGATE_MESSAGE;
  return undefined;
}

/**
 * Every string in a raw input, object keys included, checked against the text rule before any
 * schema sees it, so a procedure added tomorrow obeys it without opting in. The walk is iterative
 * (an input nested 400,000 deep fits in a 1 MiB body) and stops at MAX_INPUT_DEPTH.
 */
export function textIssues(input: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const pending: { value: unknown; path: (string | number)[] }[] = [{ value: input, path: [] }];
  while (pending.length > 0 && issues.length < MAX_ISSUES) {
    const { value, path } = pending.pop()!;
    if (typeof value === 'string') {
      const message = textProblem(value);
      if (message) issues.push({ path, code: 'custom', message });
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (path.length >= MAX_INPUT_DEPTH) {
      issues.push({ path, code: 'custom', message: DEPTH_MESSAGE });
      continue;
    }
    const entries: [string | number, unknown][] = Array.isArray(value)
      ? value.map((item, index) => [index, item])
      : Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, item] = entries[i]!;
      const keyProblem = typeof key === 'string' ? textProblem(key) : undefined;
      if (keyProblem) issues.push({ path: [...path, key], code: 'custom', message: keyProblem });
      else pending.push({ value: item, path: [...path, key] });
    }
  }
  return issues.slice(0, MAX_ISSUES);
}

/** A name (username, display name) that also refuses bidi controls, which disguise one name as another. */
export function nameText<T extends z.ZodType<string, string>>(schema: T) {
  return schema.refine((value) => !BIDI_CONTROL.test(value), { message: BIDI_MESSAGE, abort: true });
}
