import fc from 'fast-check';

/**
 * Hostile values: what the input fuzzer (`test/e2e/hostile-input.property.test.ts`) puts where a
 * procedure or route expects an id, a number, text or a cursor, and what it looks for in answers.
 */

export const MAX_ID = '9223372036854775807';
const NEAR_MAX_ID = '9223372036854775806';

/** Ids a database must never see as-is: past 2^63 − 1, signed, padded, not decimal at all. */
export const HOSTILE_IDS = [
  '9223372036854775808',
  MAX_ID,
  '18446744073709551615',
  '99999999999999999999',
  '-1',
  '-9223372036854775809',
  '0',
  '00',
  '007',
  '+1',
  ' 1',
  '1 ',
  '1e3',
  '1.0',
  '0x10',
  '١٢٣',
];

export const HOSTILE_NUMBERS = [
  -1,
  0,
  -0,
  1.5,
  1e308,
  -1e308,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53,
  2 ** 63,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
  Number.MIN_VALUE,
];

const LONE_SURROGATES = ['\ud800', 'a\udfffb', '\udc00\ud800'];
const BIDI_CONTROLS = ['\u202eevil', 'ana\u2066', '\u202a\u202b\u202c\u202d', 'x\u2067y\u2068z\u2069'];
const CONTROLS = ['a\u0000b', '\u0000', '\u001b[31mred', '\u0007', 'a\bb', '\u007f', '\u000b\u000c', '\u001f'];

/** Characters no text input accepts, or no name accepts. */
export const HOSTILE_TEXT = [...CONTROLS, ...LONE_SURROGATES, ...BIDI_CONTROLS];

export const HOSTILE_STRINGS = [
  ...HOSTILE_IDS,
  ...CONTROLS,
  ...LONE_SURROGATES,
  ...BIDI_CONTROLS,
  'NaN',
  'Infinity',
  '-Infinity',
  'null',
  'undefined',
  'true',
  '',
  ' ',
  '\r\n',
  "'; drop table users; --",
  '%00',
  '../../etc/passwd',
  '#',
  '#'.repeat(200),
  'ﬀ'.repeat(300),
  '\u{1F600}'.repeat(60),
  'a'.repeat(100_000),
];

const base64url = (text: string) => Buffer.from(text).toString('base64url');

/** Cursors as the server writes them (`v1:<id>`, `r1:<json>`, `s1:<offset>`), with hostile insides. */
export const HOSTILE_CURSORS = [
  ...HOSTILE_IDS.map((id) => base64url(`v1:${id}`)),
  ...[
    { m: MAX_ID, t: 0, o: 0 },
    { m: '9223372036854775808', t: 0, o: 0 },
    // Below the largest id, so the window holds every post and ranking runs on the hostile time.
    { m: NEAR_MAX_ID, t: Number.MAX_SAFE_INTEGER, o: 0 },
    { m: NEAR_MAX_ID, t: Number.MIN_SAFE_INTEGER, o: 0 },
    { m: NEAR_MAX_ID, t: 8.64e15 + 1, o: 0 },
    { m: NEAR_MAX_ID, t: -1, o: 0 },
    { m: NEAR_MAX_ID, t: 0, o: Number.MAX_SAFE_INTEGER },
    { m: '007', t: 0, o: 0 },
    { m: '1', t: 1e308, o: -1 },
  ].map((state) => base64url(`r1:${JSON.stringify(state)}`)),
  base64url('r1:{"__proto__":{"m":"1"},"m":"1","t":0,"o":0}'),
  base64url('r1:not json'),
  base64url('s1:99999'),
  base64url('s1:00000'),
  base64url('s1:-1'),
  base64url('v1:1\u0000'),
  'v1:1',
  '!!!!',
  '====',
];

/** Nested arrays/objects `depth` deep, built without recursion. */
export function nested(depth: number, kind: 'array' | 'object'): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = kind === 'array' ? [value] : { a: value };
  return value;
}

/** JSON objects with keys JSON.parse makes own properties (an object literal would set the prototype). */
const PROTOTYPE_OBJECTS: unknown[] = [
  JSON.parse('{"__proto__":{"isAdmin":true,"userId":"1"}}'),
  JSON.parse('{"constructor":{"prototype":{"polluted":true}}}'),
  JSON.parse('{"__proto__":null}'),
];

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_CURSORS) },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(...HOSTILE_NUMBERS) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, true, false, {}, [], ...PROTOTYPE_OBJECTS) },
  { weight: 1, arbitrary: fc.constantFrom(nested(1_000, 'array'), nested(1_000, 'object')) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      Array.from({ length: 1_000 }, (_, i) => String(i + 1)),
      Array.from({ length: 1_000 }, () => MAX_ID),
      Array.from({ length: 1_000 }, () => 'a\u0000'),
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
);

/** Text that must never reach a client: SQL, driver names, stack frames, file paths. */
const LEAKS: [string, RegExp][] = [
  ['SQL', /\b(select|insert|update|delete)\b[\s\S]{0,200}\b(from|into|set|where)\b/i],
  ['SQL error', /syntax error|relation "|column "|constraint|violates|out of range for type|invalid input syntax/i],
  ['driver', /postgres|sqlite|better-sqlite3|kysely|\bpg\b|SQLITE_|ECONNREFUSED/i],
  ['stack', /\n\s+at |node_modules|\.(ts|js|mjs|cjs):\d+|\/src\/|\/dist\//],
];

/** The first leak in a response body, described; undefined when clean. */
export function leakIn(body: string): string | undefined {
  for (const [what, pattern] of LEAKS) {
    const match = pattern.exec(body);
    if (match) return `${what}: …${body.slice(Math.max(0, match.index - 40), match.index + 80)}…`;
  }
  return undefined;
}

/** A value for a failure message: JSON, cut short. */
export function preview(value: unknown, max = 300): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}

/**
 * `encodeURIComponent`, except that a lone surrogate (which it refuses) is sent as the bytes a
 * careless encoder would write for it (ED A0 80 for U+D800): invalid UTF-8 on the wire.
 */
export function encodeSegment(text: string): string {
  return text
    .split(/([\uD800-\uDFFF])/u)
    .map((piece) => {
      if (!/^[\uD800-\uDFFF]$/u.test(piece)) return encodeURIComponent(piece);
      const code = piece.charCodeAt(0);
      return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((byte) => `%${byte.toString(16).toUpperCase()}`)
        .join('');
    })
    .join('');
}

/** A control character other than tab, LF and CR, or a lone surrogate: text the API refuses. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const REFUSED_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]|[\uD800-\uDFFF]/u;

/** Does any string in `value`, keys included, carry text no input may hold? */
export function carriesRefusedText(value: unknown): boolean {
  const pending = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item === 'string' && REFUSED_TEXT.test(item)) return true;
    if (typeof item !== 'object' || item === null) continue;
    for (const [key, inner] of Object.entries(item)) {
      if (REFUSED_TEXT.test(key)) return true;
      pending.push(inner);
    }
  }
  return false;
}
