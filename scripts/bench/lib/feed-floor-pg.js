// The feed benchmark's floor on Postgres: the SQLite floor's route (feed-floor.js) with raw `pg`
// instead of better-sqlite3. The same statements, each a named prepared statement (`{ name, text,
// values }`: parsed and planned once per connection, then only bound and run), over one pool of
// pg's default size, which is also Aperture's (db/postgres.ts sets no `max`). Id lists travel as one
// bigint[] parameter. It serves the same page as `feed.home`, byte for byte, and skips what the
// dataset never needs (authentication, privacy and block checks): a floor, not a second
// implementation.
import Fastify from 'fastify';
import pg from 'pg';
import { mergeCandidates, presentPage } from './feed-floor-page.js';

export const FLOOR_APPLICATION_NAME = 'aperture-bench-floor';

const OID_INT8 = 20;
const OID_TIMESTAMPTZ = 1184;

/**
 * `2026-12-01 10:00:00.123+00` (ISO DateStyle, UTC: set for every connection below) as
 * `Date#toISOString()` writes it, which is how Aperture presents it (db/pg-timestamp.ts).
 */
function isoTimestamp(text) {
  const dot = text.indexOf('.', 19);
  const millis =
    dot === -1
      ? '000'
      : text
          .slice(dot + 1, text.indexOf('+', dot))
          .padEnd(3, '0')
          .slice(0, 3);
  return `${text.slice(0, 10)}T${text.slice(11, 19)}.${millis}Z`;
}

function typeParsers() {
  const types = new pg.TypeOverrides();
  types.setTypeParser(OID_INT8, 'text', (text) => BigInt(text));
  types.setTypeParser(OID_TIMESTAMPTZ, 'text', isoTimestamp);
  return types;
}

const STATEMENTS = {
  rebuiltAt: `SELECT timeline_rebuilt_at FROM users WHERE id = $1`,
  own: `SELECT id, author_id FROM posts WHERE author_id = $1 AND deleted_at IS NULL ORDER BY id DESC LIMIT $2`,
  timeline: `SELECT post_id AS id, author_id FROM timeline WHERE user_id = $1 ORDER BY post_id DESC LIMIT $2`,
  // Unpushed posts of followed accounts; the literal lets the planner use posts_unpushed_idx.
  unpushed: `SELECT id, author_id FROM posts WHERE author_id IN
      (SELECT followee_id FROM follows WHERE follower_id = $1 AND state = 'active')
     AND deleted_at IS NULL AND pushed = 0 ORDER BY id DESC LIMIT $2`,
  muted: `SELECT muted_id FROM mutes WHERE muter_id = $1`,
  liked: `SELECT post_id, reaction FROM likes WHERE user_id = $1 AND post_id = ANY($2::bigint[])`,
  posts: `SELECT * FROM posts WHERE id = ANY($1::bigint[])`,
  authors: `SELECT id, username, display_name, bio, is_private, avatar_media_id, created_at FROM users
     WHERE id = ANY($1::bigint[])`,
  media: `SELECT media.*, post_media.post_id, post_media.position FROM post_media
     JOIN media ON media.id = post_media.media_id
     WHERE post_media.post_id = ANY($1::bigint[]) ORDER BY post_media.position`,
};

export function floorRoutePg(url, { publicUrl, page: PAGE }) {
  const pool = new pg.Pool({
    connectionString: url,
    types: typeParsers(),
    application_name: FLOOR_APPLICATION_NAME,
    // What Aperture sets with two statements per new connection, here as startup options.
    options: '-c DateStyle=ISO,MDY -c TimeZone=UTC',
  });
  pool.on('error', () => {});
  const run = async (name, values) => (await pool.query({ name, text: STATEMENTS[name], values })).rows;
  const ids = (list) => list.map(String);

  const app = Fastify({ logger: false });
  app.get('/floor', async (request) => {
    const user = String(BigInt(request.query.user));
    const want = PAGE + 1;
    // Aperture checks the timeline is fresh (the seeded ones all are), then reads its sources at once.
    await run('rebuiltAt', [user]);
    const lists = await Promise.all([
      run('own', [user, want]),
      run('unpushed', [user, want]),
      run('timeline', [user, want]),
    ]);
    const candidates = mergeCandidates(lists, want);
    const pageIds = candidates.slice(0, PAGE).map((c) => c.id);
    const more = candidates.length > PAGE;
    const idList = ids(pageIds);
    const [mutedRows, postRows, likedRows, media] = await Promise.all([
      run('muted', [user]),
      run('posts', [idList]),
      run('liked', [user, idList]),
      run('media', [idList]),
    ]);
    const muted = new Set(mutedRows.map((m) => m.muted_id));
    const rows = new Map(postRows.map((p) => [p.id, p]));
    const posts = pageIds.flatMap((id) => {
      const post = rows.get(id);
      return post && post.deleted_at === null && !muted.has(post.author_id) ? [post] : [];
    });
    const authorRows = await run('authors', [ids([...new Set(posts.map((p) => p.author_id))])]);
    const authors = new Map(authorRows.map((a) => [a.id, a]));
    const reactions = new Map(likedRows.map((l) => [l.post_id, l.reaction]));
    const last = more ? pageIds.at(-1) : undefined;
    return presentPage({ posts, authors, reactions, media, last, publicUrl });
  });
  return {
    app,
    close: async () => {
      await app.close();
      await pool.end();
    },
  };
}
