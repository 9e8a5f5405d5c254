import type { Random } from './random.js';

export type FollowDistribution = 'powerlaw' | 'uniform';

export interface GraphOptions {
  users: number;
  followsMin: number;
  followsMax: number;
  distribution: FollowDistribution;
  /** Force users 1..celebrities (the most popular ranks) to at least `celebrityFollowers` followers. */
  celebrities: number;
  celebrityFollowers: number;
}

/** Who follows whom: `followees[u]` (ascending ids) for users 1..users; index 0 is unused. */
export interface FollowGraph {
  followees: Uint32Array[];
  followerCount: Uint32Array;
  follows: number;
}

export class SeedOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeedOptionsError';
  }
}

/**
 * Power law: the followee's rank is ⌊N·x²⌋ + 1 for uniform x, so rank k draws about 1/(2·√(kN)) of
 * all follows — user 1 is the most followed, a handful pass 10k followers at 100k users. Uniform:
 * every other user is equally likely. Each user follows between followsMin and followsMax others.
 */
export function buildFollowGraph(o: GraphOptions, random: Random): FollowGraph {
  const { users } = o;
  const followees: Uint32Array[] = [new Uint32Array(0)];
  const followerCount = new Uint32Array(users + 1);
  let follows = 0;
  const pick = o.distribution === 'powerlaw' ? () => random() ** 2 : random;
  for (let u = 1; u <= users; u++) {
    const want = Math.min(users - 1, o.followsMin + Math.floor(random() * (o.followsMax - o.followsMin + 1)));
    const set = new Set<number>();
    while (set.size < want) {
      const f = 1 + Math.floor(users * pick());
      if (f !== u) set.add(f);
    }
    const list = Uint32Array.from(set).sort();
    for (const f of list) followerCount[f] = (followerCount[f] ?? 0) + 1;
    followees.push(list);
    follows += list.length;
  }
  follows += forceCelebrities(o, random, followees, followerCount);
  return { followees, followerCount, follows };
}

/** Adds followers to users 1..celebrities until each has celebrityFollowers; returns how many follows it added. */
function forceCelebrities(
  o: GraphOptions,
  random: Random,
  followees: Uint32Array[],
  followerCount: Uint32Array,
): number {
  if (o.celebrities === 0) return 0;
  const added = new Map<number, number[]>();
  let count = 0;
  for (let c = 1; c <= o.celebrities; c++) {
    while ((followerCount[c] ?? 0) < o.celebrityFollowers) {
      const u = 1 + Math.floor(o.users * random());
      const mine = followees[u] ?? new Uint32Array(0);
      if (u === c || includes(mine, c) || added.get(u)?.includes(c)) continue;
      added.set(u, [...(added.get(u) ?? []), c]);
      followerCount[c] = (followerCount[c] ?? 0) + 1;
      count++;
    }
  }
  for (const [u, extra] of added) {
    const merged = new Uint32Array((followees[u]?.length ?? 0) + extra.length);
    merged.set(followees[u] ?? []);
    merged.set(extra, followees[u]?.length ?? 0);
    followees[u] = merged.sort();
  }
  return count;
}

function includes(sorted: Uint32Array, value: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = sorted[mid] ?? 0;
    if (v === value) return true;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Checks the options can make the graph they ask for, with a message naming the flag. */
export function checkGraphOptions(o: GraphOptions): void {
  if (!Number.isInteger(o.users) || o.users < 2)
    throw new SeedOptionsError('--users must be an integer of at least 2.');
  if (!Number.isInteger(o.followsMin) || o.followsMin < 0) {
    throw new SeedOptionsError('--follows-min must be a non-negative integer.');
  }
  if (!Number.isInteger(o.followsMax) || o.followsMax < o.followsMin) {
    throw new SeedOptionsError('--follows-max must be an integer no smaller than --follows-min.');
  }
  if (!Number.isInteger(o.celebrities) || o.celebrities < 0 || o.celebrities > o.users) {
    throw new SeedOptionsError(`--celebrities must be an integer between 0 and --users (${o.users}).`);
  }
  if (o.celebrities > 0 && o.celebrityFollowers > o.users - 1) {
    throw new SeedOptionsError(
      `--celebrities needs ${o.celebrityFollowers} followers per celebrity (the server's celebrity threshold) ` +
        `but only ${o.users - 1} other users exist: seed more users or lower the threshold.`,
    );
  }
}
