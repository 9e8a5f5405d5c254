// Seeds a large social graph for the feed benchmark straight into an Aperture SQLite file (whose
// schema `migrate` created): raw prepared statements in big transactions, no per-row round trips.
import { createHash, randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';

const CELEBRITY_FOLLOWERS = 10_000; // DEFAULT_FEED_SETTINGS.celebrityFollowers
const TIMELINE_CAP = 800; // DEFAULT_FEED_SETTINGS.timelineCap
// Every derivative the pipeline writes for a 1080×1080 photo, so feed pages carry their 8 URLs as
// they would in production (the bytes are never fetched by the benchmark).
const DERIVATIVES = JSON.stringify(
  Object.fromEntries(
    [
      ['thumb', 150],
      ['w320', 320],
      ['w640', 640],
      ['w1080', 1080],
    ].flatMap(([variant, size]) =>
      ['webp', 'jpg'].map((ext) => [`${variant}.${ext}`, { width: size, height: size, size: size * 60, etag: 'x' }]),
    ),
  ),
);

/** Deterministic PRNG (mulberry32) so `--seed` reproduces the dataset. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function seedFeedDataset(file, { users, postsPerUser, seedValue, followsMin, followsMax }) {
  const random = prng(seedValue);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('foreign_keys = OFF'); // follows point at users inserted later in the same seed
  const now = new Date().toISOString();
  const tokens = [];
  // Posts are interleaved in time: round r of every user, then round r + 1. Id = time order.
  const postId = (round, user) => BigInt(1_000_000 + round * users + user);

  // Popularity is a power law: the followee's rank is N·x² for uniform x, so rank k draws
  // ~1/(2·√(kN)) of all follows (a handful above 10k followers at 100k users).
  const followees = [];
  const followerCount = new Uint32Array(users + 1);
  for (let u = 1; u <= users; u++) {
    const want = Math.min(users - 1, followsMin + Math.floor(random() * (followsMax - followsMin + 1)));
    const set = new Set();
    while (set.size < want) {
      const f = 1 + Math.floor(users * random() ** 2);
      if (f !== u) set.add(f);
    }
    followees[u] = [...set];
    for (const f of set) followerCount[f]++;
  }
  const celebrity = (u) => followerCount[u] >= CELEBRITY_FOLLOWERS;

  const insert = {
    user: db.prepare(
      `INSERT INTO users (id, username, username_key, email, email_key, password_hash, display_name, bio,
        created_at, updated_at, last_active_at, timeline_rebuilt_at)
       VALUES (?, ?, ?, ?, ?, 'x', ?, '', ?, ?, ?, ?)`,
    ),
    session: db.prepare(
      `INSERT INTO sessions (id, user_id, token_hash, created_at, last_used_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    follow: db.prepare(
      `INSERT INTO follows (id, follower_id, followee_id, state, created_at, updated_at) VALUES (?, ?, ?, 'active', ?, ?)`,
    ),
    media: db.prepare(
      `INSERT INTO media (id, owner_id, status, sha256, size, content_type, original_key, format, width, height,
        derivatives, created_at, updated_at, ready_at, attached_at)
       VALUES (?, ?, 'ready', 'x', 1000, 'image/jpeg', ?, 'jpeg', 1080, 1080, ?, ?, ?, ?, ?)`,
    ),
    post: db.prepare(
      `INSERT INTO posts (id, author_id, caption, visibility, created_at, updated_at, pushed)
       VALUES (?, ?, ?, 'public', ?, ?, ?)`,
    ),
    postMedia: db.prepare(`INSERT INTO post_media (post_id, media_id, position) VALUES (?, ?, 0)`),
    timeline: db.prepare(`INSERT INTO timeline (user_id, post_id, author_id) VALUES (?, ?, ?)`),
  };
  const expires = new Date(Date.now() + 365 * 86_400_000).toISOString();
  const counts = { users, follows: 0, posts: 0, timeline: 0, celebrities: 0 };
  const batch = (from, to, body) => db.transaction(() => body(from, to))();
  const STEP = 2_000;
  for (let from = 1; from <= users; from += STEP) {
    batch(from, Math.min(users, from + STEP - 1), (a, b) => {
      for (let u = a; u <= b; u++) {
        const token = 'apt_' + randomBytes(32).toString('base64url');
        tokens[u] = token;
        const name = `user${u}`;
        insert.user.run(u, name, name, `${name}@example.com`, `${name}@example.com`, name, now, now, now, now);
        insert.session.run(u, u, createHash('sha256').update(token).digest('hex'), now, now, expires);
        for (const f of followees[u]) insert.follow.run(BigInt(++counts.follows), u, f, now, now);
        const pushed = celebrity(u) ? 0 : 1;
        if (!pushed) counts.celebrities++;
        for (let r = 0; r < postsPerUser; r++) {
          const id = postId(r, u);
          insert.media.run(id, u, `originals/${id}`, DERIVATIVES, now, now, now, now);
          insert.post.run(id, u, `post ${id} #bench`, now, now, pushed);
          insert.postMedia.run(id, id);
          counts.posts++;
        }
      }
    });
  }
  const counters = db.prepare(`UPDATE users SET follower_count = ?, following_count = ?, post_count = ? WHERE id = ?`);
  db.transaction(() => {
    for (let u = 1; u <= users; u++) counters.run(followerCount[u], followees[u].length, postsPerUser, u);
  })();
  // Timelines: the newest TIMELINE_CAP pushed posts of each user's non-celebrity followees.
  for (let from = 1; from <= users; from += STEP) {
    batch(from, Math.min(users, from + STEP - 1), (a, b) => {
      for (let u = a; u <= b; u++) {
        const rows = [];
        for (const f of followees[u]) {
          if (!celebrity(f)) for (let r = 0; r < postsPerUser; r++) rows.push([postId(r, f), f]);
        }
        rows.sort((x, y) => (x[0] < y[0] ? 1 : -1));
        for (const [id, f] of rows.slice(0, TIMELINE_CAP)) insert.timeline.run(u, id, f);
        counts.timeline += Math.min(rows.length, TIMELINE_CAP);
      }
    });
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.exec('ANALYZE');
  db.close();
  return { tokens, counts };
}
