/**
 * Write limits: how many posts, comments, likes, follows, upload starts and reports an account (and
 * a client address) may make an hour, and sign-ups per address. The contract and defaults the
 * config parses into and `modules/limits` reads; it sits in config/ because config is the lower
 * layer.
 */

/** What an account does that is counted. */
export const ACCOUNT_LIMIT_KINDS = ['posts', 'comments', 'likes', 'follows', 'uploads', 'reports'] as const;
export type AccountLimitKind = (typeof ACCOUNT_LIMIT_KINDS)[number];

/** Everything counted: the account kinds, per account and per address, and sign-ups, per address only. */
export const LIMIT_KINDS = [...ACCOUNT_LIMIT_KINDS, 'signups'] as const;
export type LimitKind = (typeof LIMIT_KINDS)[number];

/** Allowed per hour (also the burst); 0 or absent: no limit. */
export type HourlyLimits<K extends string> = Readonly<Record<K, number>>;

export interface WriteLimitSettings {
  /** Per account, once it is older than `newAccountMs`. */
  perAccount: HourlyLimits<AccountLimitKind>;
  /** Per account, in its first `newAccountMs`. */
  newAccount: HourlyLimits<AccountLimitKind>;
  /** How long an account counts as new (0: never). */
  newAccountMs: number;
  /** Per client address (an IPv6 client by its /64), whoever is signed in. */
  perAddress: HourlyLimits<LimitKind>;
}

/**
 * Generous for a person (a post every few minutes for an hour, a comment every 12 s) and tight for a
 * script. Upload starts allow ten photos a post. A client address carries many people behind a NAT
 * or a campus proxy, so its limits are ten times an account's.
 */
export const DEFAULT_WRITE_LIMITS: WriteLimitSettings = {
  perAccount: { posts: 30, comments: 300, likes: 1000, follows: 200, uploads: 300, reports: 30 },
  newAccount: { posts: 10, comments: 60, likes: 200, follows: 50, uploads: 100, reports: 10 },
  newAccountMs: 24 * 3_600_000,
  perAddress: { posts: 300, comments: 3000, likes: 10_000, follows: 2000, uploads: 3000, reports: 100, signups: 20 },
};

/** The env form of a set of limits: `posts=30,comments=300`. */
export function formatLimits(limits: Readonly<Record<string, number>>): string {
  return Object.entries(limits)
    .map(([kind, n]) => `${kind}=${n}`)
    .join(',');
}

/**
 * `kind=n` pairs separated by commas (spaces allowed) over `defaults`: a kind not named keeps its
 * default, `kind=0` lifts that limit, and the single word `off` lifts them all. Throws a message
 * naming the first problem.
 */
export function parseLimits<K extends string>(text: string, defaults: HourlyLimits<K>): HourlyLimits<K> {
  const kinds = Object.keys(defaults) as K[];
  const trimmed = text.trim();
  if (trimmed.toLowerCase() === 'off') return Object.fromEntries(kinds.map((k) => [k, 0])) as Record<K, number>;
  const limits: Record<K, number> = { ...defaults };
  for (const part of trimmed.split(',')) {
    if (part.trim() === '') continue;
    const match = /^\s*([a-z]+)\s*=\s*(\d{1,9})\s*$/.exec(part);
    if (!match) throw new Error(`"${part.trim()}" is not kind=number (e.g. posts=30), nor off`);
    const kind = match[1] as K;
    if (!kinds.includes(kind)) throw new Error(`unknown kind "${match[1]}" (known: ${kinds.join(', ')})`);
    limits[kind] = Number(match[2]);
  }
  return limits;
}
