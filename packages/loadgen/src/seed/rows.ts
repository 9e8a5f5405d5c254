import type { FollowGraph } from './graph.js';
import { substream } from './random.js';
import { seededToken, tokenHash } from './token.js';

/**
 * The one generator of rows both writers consume: each yielded array of batches is one
 * transaction, in an order that satisfies every foreign key (users before follows, tags before
 * post_tags, media before posts before post_media), so Postgres needs no deferred constraints.
 */

export type Value = string | number | null;

export type TableName =
  | 'users'
  | 'sessions'
  | 'follows'
  | 'tags'
  | 'media'
  | 'posts'
  | 'post_media'
  | 'post_tags'
  | 'post_search'
  | 'timeline';

/** Logical columns per table; `post_search` is (post id, caption) and each writer maps it to its dialect's index. */
export const COLUMNS: Record<TableName, readonly string[]> = {
  users: [
    'id',
    'username',
    'username_key',
    'email',
    'email_key',
    'password_hash',
    'display_name',
    'bio',
    'created_at',
    'updated_at',
    'last_active_at',
    'timeline_rebuilt_at',
    'follower_count',
    'following_count',
    'post_count',
  ],
  sessions: ['id', 'user_id', 'token_hash', 'created_at', 'last_used_at', 'expires_at'],
  follows: ['id', 'follower_id', 'followee_id', 'state', 'created_at', 'updated_at'],
  tags: ['id', 'name', 'post_count', 'created_at'],
  media: [
    'id',
    'owner_id',
    'status',
    'sha256',
    'size',
    'content_type',
    'original_key',
    'format',
    'width',
    'height',
    'derivatives',
    'created_at',
    'updated_at',
    'ready_at',
    'attached_at',
  ],
  posts: ['id', 'author_id', 'caption', 'visibility', 'created_at', 'updated_at', 'pushed'],
  post_media: ['post_id', 'media_id', 'position'],
  post_tags: ['post_id', 'tag_id', 'author_id', 'created_at', 'is_public'],
  post_search: ['post_id', 'caption'],
  timeline: ['user_id', 'post_id', 'author_id'],
};

export interface Batch {
  table: TableName;
  rows: Value[][];
}

export interface DatasetSpec {
  users: number;
  postsPerUser: number;
  seed: number;
  graph: FollowGraph;
  celebrityFollowers: number;
  timelineCap: number;
  now: Date;
}

/** Hashtags captions draw from, most popular first (picked with a skew, so trending has a shape). */
// prettier-ignore
export const TAGS = [
  'photography', 'travel', 'nature', 'sunset', 'food', 'art', 'portrait', 'street', 'beach', 'mountains',
  'city', 'coffee', 'dog', 'cat', 'friends', 'family', 'fitness', 'fashion', 'music', 'books',
  'architecture', 'flowers', 'snow', 'rain', 'night', 'sky', 'garden', 'bike', 'running', 'ocean',
];
const WORDS = 'golden quiet morning light weekend river old town long walk blue hour'.split(' ');

/** Media rows point at this derivative set: every variant listed, so feeds carry image URLs (no files are written). */
const PLACEHOLDER_DERIVATIVES = JSON.stringify(
  Object.fromEntries(
    (
      [
        ['thumb', 150],
        ['w320', 320],
        ['w640', 640],
        ['w1080', 1080],
      ] as const
    ).flatMap(([variant, px]) =>
      ['webp', 'jpg'].map((ext) => [`${variant}.${ext}`, { width: px, height: px, size: 1, etag: 'seeded' }]),
    ),
  ),
);

const USERS_PER_CHUNK = 2_000;
const POST_USERS_PER_CHUNK = 1_000;
const TIMELINE_USERS_PER_CHUNK = 250;
const DAY_MS = 86_400_000;

/** Post ids interleave users: round r of every user, then r + 1. Id order is time order. */
export const postId = (users: number, round: number, user: number): number => 1_000_000 + round * users + user;

/** A post's hashtags (indexes into TAGS) and caption, from its own PRNG stream: the same for any generation order. */
export function caption(seed: number, user: number, round: number, id: number): { tags: number[]; text: string } {
  const random = substream(seed, user, round);
  const tags = new Set<number>();
  const count = 1 + Math.floor(random() * 2);
  while (tags.size < count) tags.add(Math.floor(TAGS.length * random() ** 2));
  const words = [0, 1, 2].map(() => WORDS[Math.floor(random() * WORDS.length)]);
  const text = `${words.join(' ')} ${[...tags].map((t) => `#${TAGS[t]}`).join(' ')} (post ${id})`;
  return { tags: [...tags], text };
}

export function* datasetChunks(d: DatasetSpec): Generator<Batch[]> {
  const { users, postsPerUser: P, graph } = d;
  const iso = (ms: number) => new Date(ms).toISOString();
  const nowMs = d.now.getTime();
  const joined = iso(nowMs - 8 * DAY_MS);
  const now = iso(nowMs);
  const expires = iso(nowMs + 365 * DAY_MS);
  const totalPosts = users * P;
  // Posts spread evenly over the last week, newest now, so trending windows find recent ones.
  const postTime = (round: number, user: number) =>
    iso(nowMs - ((totalPosts - (round * users + user)) * 7 * DAY_MS) / totalPosts);
  const celebrity = (u: number) => (graph.followerCount[u] ?? 0) >= d.celebrityFollowers;

  const tagCounts = new Array<number>(TAGS.length).fill(0);
  for (let u = 1; u <= users; u++) {
    for (let r = 0; r < P; r++) for (const t of caption(d.seed, u, r, postId(users, r, u)).tags) tagCounts[t]!++;
  }
  yield [{ table: 'tags', rows: TAGS.map((name, i) => [i + 1, name, tagCounts[i] ?? 0, joined]) }];

  for (let from = 1; from <= users; from += USERS_PER_CHUNK) {
    const user: Value[][] = [];
    const session: Value[][] = [];
    for (let u = from; u <= Math.min(users, from + USERS_PER_CHUNK - 1); u++) {
      const name = `user${u}`;
      const email = `${name}@example.com`;
      const counts = [graph.followerCount[u] ?? 0, graph.followees[u]?.length ?? 0, P];
      // password_hash is no argon2 hash, so nobody can sign in with a password: seeded users act through their tokens.
      user.push([u, name, name, email, email, '!seeded', `User ${u}`, '', joined, now, now, now, ...counts]);
      session.push([u, u, tokenHash(seededToken(d.seed, u)), joined, now, expires]);
    }
    yield [
      { table: 'users', rows: user },
      { table: 'sessions', rows: session },
    ];
  }

  let followId = 0;
  for (let from = 1; from <= users; from += USERS_PER_CHUNK) {
    const rows: Value[][] = [];
    for (let u = from; u <= Math.min(users, from + USERS_PER_CHUNK - 1); u++) {
      for (const f of graph.followees[u] ?? []) rows.push([++followId, u, f, 'active', joined, joined]);
    }
    yield [{ table: 'follows', rows }];
  }

  for (let from = 1; from <= users; from += POST_USERS_PER_CHUNK) {
    const media: Value[][] = [];
    const posts: Value[][] = [];
    const postMedia: Value[][] = [];
    const postTags: Value[][] = [];
    const search: Value[][] = [];
    for (let u = from; u <= Math.min(users, from + POST_USERS_PER_CHUNK - 1); u++) {
      const pushed = celebrity(u) ? 0 : 1;
      for (let r = 0; r < P; r++) {
        const id = postId(users, r, u);
        const at = postTime(r, u);
        const { tags, text } = caption(d.seed, u, r, id);
        media.push([
          id,
          u,
          'ready',
          'seeded',
          1,
          'image/jpeg',
          `originals/seeded/${id}`,
          'jpeg',
          1080,
          1080,
          PLACEHOLDER_DERIVATIVES,
          at,
          at,
          at,
          at,
        ]);
        posts.push([id, u, text, 'public', at, at, pushed]);
        postMedia.push([id, id, 0]);
        for (const t of tags) postTags.push([id, t + 1, u, at, 1]);
        search.push([id, text]);
      }
    }
    yield [
      { table: 'media', rows: media },
      { table: 'posts', rows: posts },
      { table: 'post_media', rows: postMedia },
      { table: 'post_tags', rows: postTags },
      { table: 'post_search', rows: search },
    ];
  }

  // Timelines: the newest timelineCap pushed posts of each user's non-celebrity followees, as
  // fan-out would have left them. Walking rounds newest first needs no sort.
  for (let from = 1; from <= users; from += TIMELINE_USERS_PER_CHUNK) {
    const rows: Value[][] = [];
    for (let u = from; u <= Math.min(users, from + TIMELINE_USERS_PER_CHUNK - 1); u++) {
      const pushers = [...(graph.followees[u] ?? [])].filter((f) => !celebrity(f)).reverse();
      let kept = 0;
      for (let r = P - 1; r >= 0 && kept < d.timelineCap; r--) {
        for (const f of pushers) {
          if (kept === d.timelineCap) break;
          kept++;
          rows.push([u, postId(users, r, f), f]);
        }
      }
    }
    yield [{ table: 'timeline', rows }];
  }
}
