/**
 * Postgres text output of `timestamptz`/`timestamp` under `DateStyle = ISO` (which connect sets on
 * every connection): `2024-01-02 03:04:05.678901+00`, offsets like `+05:30`, ` BC` for old dates.
 * Parsed by hand rather than with `new Date(text)`, whose handling of this non-ISO shape is
 * engine-defined, and rather than with pg's default parser, which yields Date objects.
 */
const PG_TIMESTAMP =
  /^(\d{4,})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?:([+-])(\d{2})(?::(\d{2}))?(?::(\d{2}))?)?( BC)?$/;

/** `2024-01-02 03:04:05.678901+00`: a four-digit year in UTC, the shape `toISOString` has too. */
const UTC_TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?\+00$/;

/**
 * The instant as `Date#toISOString()` writes it (milliseconds, `Z`). Microseconds are truncated:
 * Aperture writes timestamps from JS, so they never carry more than milliseconds. A value without an
 * offset (`timestamp` without time zone) is read as UTC. `infinity`/`-infinity` pass through.
 */
export function parsePgTimestamp(text: string): string {
  // What every connection reads (TimeZone is UTC): rewritten in place, without a Date. A feed
  // page parses a few hundred timestamps; through a Date that was a tenth of the server's time.
  if (UTC_TIMESTAMP.test(text)) {
    const fraction = text.length > 22 ? text.slice(20, text.length - 3) : '';
    return `${text.slice(0, 10)}T${text.slice(11, 19)}.${fraction.padEnd(3, '0').slice(0, 3)}Z`;
  }
  if (text === 'infinity' || text === '-infinity') return text;
  const m = PG_TIMESTAMP.exec(text);
  if (!m) throw new Error(`Unexpected Postgres timestamp format: ${JSON.stringify(text)}`);
  const [, y, mo, d, h, mi, s, frac, sign, oh, om, os, bc] = m;
  const year = bc ? 1 - Number(y) : Number(y);
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(year, Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(s), Number((frac ?? '').padEnd(3, '0').slice(0, 3)));
  const offsetSeconds = sign
    ? (sign === '-' ? -1 : 1) * (Number(oh) * 3600 + Number(om ?? 0) * 60 + Number(os ?? 0))
    : 0;
  return new Date(date.getTime() - offsetSeconds * 1000).toISOString();
}
