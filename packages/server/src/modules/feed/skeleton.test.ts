import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareCanonicalIds } from '../../ids/canonical.js';
import { mergeNewestFirst, type Candidate } from './skeleton.js';

/** What the merge must equal: every candidate once, newest first, the first `limit`. */
function sortAll(lists: Candidate[][], limit: number): Candidate[] {
  const byId = new Map<string, Candidate>();
  for (const list of lists) for (const c of list) byId.set(c.id, c);
  return [...byId.values()].sort((a, b) => compareCanonicalIds(b.id, a.id)).slice(0, limit);
}

// Ids from a small range so the sources overlap (a post both pulled and in the timeline), and
// past 2^53 so they are compared as ids, not as numbers.
const id = fc.bigInt({ min: 9_007_199_254_740_990n, max: 9_007_199_254_741_060n }).map(String);
const source = fc
  .uniqueArray(id, { maxLength: 25 })
  .map((ids) => ids.sort((a, b) => compareCanonicalIds(b, a)).map((i) => ({ id: i, author_id: `a${i}` })));

describe('mergeNewestFirst', () => {
  it('equals sorting every candidate once, newest first, cut at the limit', () => {
    fc.assert(
      fc.property(fc.array(source, { maxLength: 4 }), fc.integer({ min: 0, max: 60 }), (lists, limit) => {
        expect(mergeNewestFirst(lists, limit)).toEqual(sortAll(lists, limit));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps one of a post that two sources return', () => {
    const post = { id: '9007199254740993', author_id: '7' };
    const merged = mergeNewestFirst([[post], [{ id: '12', author_id: '7' }], [post]], 10);
    expect(merged.map((c) => c.id)).toEqual(['9007199254740993', '12']);
  });
});
