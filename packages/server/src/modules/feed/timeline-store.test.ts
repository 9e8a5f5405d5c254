import { describe, expect, it } from 'vitest';
import { trimDue } from './timeline-store.js';

describe('trimDue', () => {
  const users = Array.from({ length: 200 }, (_, i) => String(7_000_000_000_000_000_000n + BigInt(i * 7919)));
  const posts = Array.from({ length: 160 }, (_, i) => String(7_100_000_000_000_000_000n + BigInt(i * 104_729)));

  it('trims on every push when told to', () => {
    expect(users.every((u) => posts.every((p) => trimDue(u, p, 1)))).toBe(true);
  });

  it('is the same choice every time for the same user and post (events replay)', () => {
    const first = users.map((u) => trimDue(u, posts[0]!, 16));
    expect(users.map((u) => trimDue(u, posts[0]!, 16))).toEqual(first);
  });

  it('trims about one push in `every`, spread over users and posts', () => {
    let due = 0;
    for (const u of users) for (const p of posts) if (trimDue(u, p, 16)) due++;
    const expected = (users.length * posts.length) / 16; // 2,000
    expect(due).toBeGreaterThan(expected * 0.85);
    expect(due).toBeLessThan(expected * 1.15);
    // No post trims everyone at once, and every timeline gets trimmed over 160 pushes.
    for (const p of posts) expect(users.filter((u) => trimDue(u, p, 16)).length).toBeLessThan(users.length / 4);
    for (const u of users) expect(posts.some((p) => trimDue(u, p, 16))).toBe(true);
  });
});
