// The floor of the feed benchmark: a bare Fastify route that serves the same first page of the
// home feed as `feed.home`, byte for byte (the same JSON envelope, post, author and media fields,
// media URLs and cursor), straight from the SQLite file with prepared statements reused across
// requests. It skips what the benchmark's dataset never needs (authentication, privacy and block
// checks), so it is a floor, not a second implementation. feed-floor-pg.js is the same on Postgres.
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { mergeCandidates, presentPage } from './feed-floor-page.js';

export function floorRoute(file, { publicUrl, page: PAGE }) {
  const db = new Database(file, { readonly: true });
  db.defaultSafeIntegers(true);
  db.pragma('cache_size = -65536'); // the same page cache as Aperture's connection
  const ids = (list) => `[${list.join(',')}]`;
  const q = {
    rebuiltAt: db.prepare(`SELECT timeline_rebuilt_at FROM users WHERE id = ?`).pluck(),
    own: db.prepare(
      `SELECT id, author_id FROM posts WHERE author_id = ? AND deleted_at IS NULL ORDER BY id DESC LIMIT ?`,
    ),
    timeline: db.prepare(
      `SELECT post_id AS id, author_id FROM timeline WHERE user_id = ? ORDER BY post_id DESC LIMIT ?`,
    ),
    // Unpushed posts of followed accounts, through the partial index posts_unpushed_idx.
    unpushed: db.prepare(
      `SELECT id, author_id FROM posts WHERE author_id IN
         (SELECT followee_id FROM follows WHERE follower_id = ? AND state = 'active')
        AND deleted_at IS NULL AND pushed = 0 ORDER BY id DESC LIMIT ?`,
    ),
    muted: db.prepare(`SELECT muted_id FROM mutes WHERE muter_id = ?`).pluck(),
    liked: db.prepare(
      `SELECT post_id, reaction FROM likes WHERE user_id = ? AND post_id IN (SELECT value FROM json_each(?))`,
    ),
    posts: db.prepare(`SELECT * FROM posts WHERE id IN (SELECT value FROM json_each(?))`),
    authors: db.prepare(
      `SELECT id, username, display_name, bio, is_private, avatar_media_id, created_at FROM users
        WHERE id IN (SELECT value FROM json_each(?))`,
    ),
    media: db.prepare(
      `SELECT media.*, post_media.post_id, post_media.position FROM post_media
        JOIN media ON media.id = post_media.media_id
        WHERE post_media.post_id IN (SELECT value FROM json_each(?)) ORDER BY post_media.position`,
    ),
  };
  const app = Fastify({ logger: false });
  app.get('/floor', async (request) => {
    const user = BigInt(request.query.user);
    const want = PAGE + 1;
    q.rebuiltAt.get(user); // Aperture checks the timeline is fresh; the seeded ones all are
    const candidates = mergeCandidates(
      [q.own.all(user, want), q.unpushed.all(user, want), q.timeline.all(user, want)],
      want,
    );
    const pageIds = candidates.slice(0, PAGE).map((c) => c.id);
    const more = candidates.length > PAGE;
    const idList = ids(pageIds);
    const muted = new Set(q.muted.all(user));
    const rows = new Map(q.posts.all(idList).map((p) => [p.id, p]));
    const posts = pageIds.flatMap((id) => {
      const post = rows.get(id);
      return post && post.deleted_at === null && !muted.has(post.author_id) ? [post] : [];
    });
    const authors = new Map(q.authors.all(ids([...new Set(posts.map((p) => p.author_id))])).map((a) => [a.id, a]));
    const reactions = new Map(q.liked.all(user, idList).map((l) => [l.post_id, l.reaction]));
    const media = q.media.all(idList);
    const last = more ? pageIds.at(-1) : undefined;
    return presentPage({ posts, authors, reactions, media, last, publicUrl });
  });
  return {
    app,
    close: async () => {
      await app.close();
      db.close();
    },
  };
}
