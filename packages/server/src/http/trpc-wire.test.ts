import type { IncomingMessage } from 'node:http';
import { createURL } from '@trpc/server/adapters/node-http';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QueryParams } from './trpc-wire.js';

/** What the lean path reads of a request: its URL, its Host header, and whether it came over TLS. */
function request(url: string, host: string | undefined, encrypted = false): IncomingMessage {
  return {
    url,
    headers: host === undefined ? {} : { host },
    socket: encrypted ? { encrypted: true } : {},
  } as unknown as IncomingMessage;
}

/** tRPC's own reading: the parameters of the URL its adapter builds, or undefined where it refuses. */
function trpcReading(raw: IncomingMessage): [string, string][] | undefined {
  try {
    return [...createURL(raw).searchParams];
  } catch {
    return undefined;
  }
}

function leanReading(params: QueryParams, raw: IncomingMessage): [string, string][] | undefined {
  const read = params.read(raw);
  return read && [...read];
}

// The lean path parses a plain query string itself once a host has built a URL; whatever it reads
// must be what tRPC's adapter reads, the first time (through createURL) and every time after.
describe('QueryParams reads the query string as tRPC’s adapter does', () => {
  const cases: [name: string, url: string, host?: string][] = [
    ['percent-encoded JSON', '/trpc/feed.home?input=%7B%22limit%22%3A2%7D'],
    ['raw JSON punctuation the URL parser would escape', '/trpc/feed.home?input={"tag":"a b\'<>"}'],
    ['a plus, an invalid escape and an empty value', '/trpc/x?input=a+b%zz&batch=&batch=1'],
    ['a second question mark', '/trpc/x??input=1'],
    ['a space', '/trpc/x?input=a b'],
    ['a fragment', '/trpc/x?input=1#input=2'],
    ['Latin-1 bytes as the HTTP parser hands them over', '/trpc/x?input=caf\u00e9'],
    ['a tab and a newline', '/trpc/x?in\tput=1\n'],
    ['no query', '/trpc/accounts.me'],
    ['an authority in the path', '//evil.example/trpc/x?input=1'],
    ['an authority that cannot parse', '//[nope/trpc/x?input=1'],
    ['a Host that cannot parse', '/trpc/x?input=1', 'exa mple'],
    ['no Host at all', '/trpc/x?input=1', undefined],
  ];

  it.each(cases)('%s: the same parameters, or the same refusal, every time', (_name, url, ...rest) => {
    const host = rest.length === 0 ? '127.0.0.1:4000' : rest[0];
    const params = new QueryParams();
    const raw = request(url, host);
    const expected = trpcReading(raw);
    // The first read builds the URL; the second may take the direct path the first one unlocked.
    expect(leanReading(params, raw)).toEqual(expected);
    expect(leanReading(params, raw)).toEqual(expected);
    expect(leanReading(params, request(url, host, true))).toEqual(trpcReading(request(url, host, true)));
  });

  it('a host remembered over plain HTTP does not vouch for a refused one, nor over TLS', () => {
    const params = new QueryParams();
    expect(leanReading(params, request('/trpc/x?input=1', 'good.example'))).toEqual([['input', '1']]);
    expect(leanReading(params, request('/trpc/x?input=1', 'bad host'))).toBeUndefined();
    expect(leanReading(params, request('/trpc/x?input=2', 'good.example', true))).toEqual([['input', '2']]);
  });

  it('agrees with createURL on arbitrary request lines and hosts', () => {
    const text = fc.string({
      unit: fc.constantFrom(...'aZ09%+&=#?/ "\'<>\\[]:.{}\u00e9\t~!$'.split('')),
      maxLength: 30,
    });
    const host = fc.oneof(fc.constant('127.0.0.1:4000'), fc.constant('[::1]:80'), text);
    fc.assert(
      fc.property(fc.array(fc.tuple(text, host, fc.boolean()), { minLength: 1, maxLength: 8 }), (requests) => {
        // One reader across the requests, as in the server: remembered hosts carry over.
        const params = new QueryParams();
        for (const [tail, h, encrypted] of requests) {
          const raw = request(`/trpc/x${tail}`, h, encrypted);
          expect(leanReading(params, raw)).toEqual(trpcReading(raw));
        }
      }),
      { numRuns: 2000 },
    );
  });
});
