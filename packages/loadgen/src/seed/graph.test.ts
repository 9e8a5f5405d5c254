import { describe, expect, it } from 'vitest';
import { buildFollowGraph, checkGraphOptions, type GraphOptions } from './graph.js';
import { mulberry32 } from './random.js';
import { caption, datasetChunks, postId, type Batch } from './rows.js';
import { seededToken, tokenHash } from './token.js';

const options: GraphOptions = {
  users: 2_000,
  followsMin: 10,
  followsMax: 40,
  distribution: 'powerlaw',
  celebrities: 0,
  celebrityFollowers: 10_000,
};

const pairs = (g: ReturnType<typeof buildFollowGraph>) =>
  g.followees.flatMap((list, u) => [...list].map((f) => `${u}>${f}`));

describe('buildFollowGraph', () => {
  it('is reproducible from the seed and changes with it', () => {
    const a = pairs(buildFollowGraph(options, mulberry32(7)));
    expect(pairs(buildFollowGraph(options, mulberry32(7)))).toEqual(a);
    expect(pairs(buildFollowGraph(options, mulberry32(8)))).not.toEqual(a);
  });

  it('gives every user between followsMin and followsMax distinct followees, never themselves', () => {
    const g = buildFollowGraph(options, mulberry32(1));
    for (let u = 1; u <= options.users; u++) {
      const list = [...(g.followees[u] ?? [])];
      expect(list.length).toBeGreaterThanOrEqual(10);
      expect(list.length).toBeLessThanOrEqual(40);
      expect(new Set(list).size).toBe(list.length);
      expect(list).not.toContain(u);
    }
    expect(g.follows).toBe(g.followees.reduce((n, l) => n + l.length, 0));
  });

  it('concentrates followers on the top ranks under powerlaw, not under uniform', () => {
    const top = (distribution: GraphOptions['distribution']) => {
      const g = buildFollowGraph({ ...options, distribution }, mulberry32(3));
      const counts = [...g.followerCount.slice(1)].sort((x, y) => y - x);
      return {
        max: counts[0] ?? 0,
        median: counts[Math.floor(counts.length / 2)] ?? 0,
        user1: g.followerCount[1] ?? 0,
      };
    };
    const power = top('powerlaw');
    const uniform = top('uniform');
    expect(power.user1).toBe(power.max);
    expect(power.max).toBeGreaterThan(20 * power.median);
    expect(uniform.max).toBeLessThan(3 * uniform.median);
  });

  it('forces the requested celebrities above the threshold', () => {
    const g = buildFollowGraph(
      { ...options, distribution: 'uniform', celebrities: 3, celebrityFollowers: 500 },
      mulberry32(5),
    );
    expect([1, 2, 3].map((u) => g.followerCount[u] ?? 0).every((n) => n >= 500)).toBe(true);
    const followersOf1 = g.followees.filter((list) => list.includes(1)).length;
    expect(followersOf1).toBe(g.followerCount[1]);
  });

  it.each([
    [{ users: 1 }, '--users must be an integer of at least 2.'],
    [{ followsMax: 5 }, '--follows-max must be an integer no smaller than --follows-min.'],
    [{ celebrities: 2_001 }, '--celebrities must be an integer between 0 and --users (2000).'],
    [{ celebrities: 1, celebrityFollowers: 5_000 }, 'needs 5000 followers per celebrity'],
  ])('rejects %j', (change, message) => {
    expect(() => checkGraphOptions({ ...options, ...change })).toThrow(message);
  });
});

describe('dataset rows', () => {
  const graph = buildFollowGraph({ ...options, users: 50, followsMin: 2, followsMax: 5 }, mulberry32(9));
  const spec = {
    users: 50,
    postsPerUser: 4,
    seed: 9,
    graph,
    celebrityFollowers: 10_000,
    timelineCap: 6,
    now: new Date(),
  };
  const all: Batch[] = [...datasetChunks(spec)].flat();
  const rows = (table: Batch['table']) => all.filter((b) => b.table === table).flatMap((b) => b.rows);

  it('caps each timeline at the newest timelineCap posts of the followees', () => {
    const ofUser1 = rows('timeline').filter((r) => r[0] === 1);
    const expected = [...(graph.followees[1] ?? [])]
      .flatMap((f) => [0, 1, 2, 3].map((r) => postId(50, r, f)))
      .sort((a, b) => b - a)
      .slice(0, 6);
    expect(ofUser1.map((r) => r[1])).toEqual(expected);
  });

  it('writes a hashtag row for every tag in a caption, and counts the tags', () => {
    const first = caption(9, 1, 0, postId(50, 0, 1));
    expect(first.text).toMatch(/#\w+/);
    expect(rows('post_tags').filter((r) => r[0] === postId(50, 0, 1))).toHaveLength(first.tags.length);
    const counted = rows('tags').reduce((n, r) => n + Number(r[2]), 0);
    expect(counted).toBe(rows('post_tags').length);
  });

  it('stores the hash of each user’s seeded token', () => {
    const session = rows('sessions').find((r) => r[1] === 7);
    expect(session?.[2]).toBe(tokenHash(seededToken(9, 7)));
  });
});

describe('seededToken', () => {
  it('has the shape of a server token and depends on both the seed and the user', () => {
    expect(seededToken(1, 1)).toMatch(/^apt_[A-Za-z0-9_-]{43}$/);
    expect(seededToken(1, 1)).toBe(seededToken(1, 1));
    expect(seededToken(1, 2)).not.toBe(seededToken(1, 1));
    expect(seededToken(2, 1)).not.toBe(seededToken(1, 1));
  });
});
