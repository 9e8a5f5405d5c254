// What both floors of the feed benchmark (raw SQLite, raw Postgres) do once their rows are read:
// merge the candidate lists and present the page in `feed.home`'s exact bytes. Rows come with ids as
// BigInt on both drivers (better-sqlite3's safe integers, pg's int8 parser) and other integers as
// BigInt (SQLite) or number (Postgres); timestamps are ISO strings on both.

const VARIANTS = ['thumb', 'w320', 'w640', 'w1080'];

/** The newest `want` of the candidate lists, without duplicates. */
export function mergeCandidates(lists, want) {
  const byId = new Map();
  for (const list of lists) for (const c of list) byId.set(c.id, c);
  return [...byId.values()].sort((a, b) => (a.id < b.id ? 1 : -1)).slice(0, want);
}

function mediaView(m, publicUrl) {
  const derivatives = JSON.parse(m.derivatives ?? '{}');
  const urls = {};
  for (const v of VARIANTS) {
    if (derivatives[`${v}.webp`] && derivatives[`${v}.jpg`]) {
      urls[v] = { webp: `${publicUrl}/media/${m.id}/${v}.webp`, jpg: `${publicUrl}/media/${m.id}/${v}.jpg` };
    }
  }
  // The same work as Aperture's presenter: a video's renditions by quality, its kind from the type.
  const renditions = {};
  for (const q of ['720p', '360p']) {
    const file = `${q.slice(0, -1)}.mp4`;
    if (m.status === 'ready' && derivatives[file]) renditions[q] = `${publicUrl}/media/${m.id}/${file}`;
  }
  const width = Number(m.width);
  const height = Number(m.height);
  return {
    id: String(m.id),
    kind: m.content_type.startsWith('video/') ? 'video' : 'image',
    durationMs: m.duration_ms === null ? null : Number(m.duration_ms),
    width,
    height,
    aspectRatio: Math.round((width / height) * 10_000) / 10_000,
    thumbhash: m.thumbhash,
    dominantColor: m.dominant_color,
    urls,
    renditions,
  };
}

const authorView = (a) => ({
  id: String(a.id),
  username: a.username,
  displayName: a.display_name,
  bio: a.bio,
  isPrivate: Number(a.is_private) === 1,
  avatar: null,
  createdAt: a.created_at,
});

/**
 * The answer's body: `posts` are the page's rows in page order (deleted and muted ones already
 * dropped), `authors` by id, `reactions` the viewer's by post id, `media` the page's attachments in
 * position order, `last` the page's last candidate id when there is a next page.
 */
export function presentPage({ posts, authors, reactions, media, last, publicUrl }) {
  const items = posts.map((p) => ({
    id: String(p.id),
    author: authorView(authors.get(p.author_id)),
    caption: p.caption,
    location: null,
    visibility: p.visibility,
    commentsEnabled: Number(p.comments_enabled) === 1,
    sensitive: Number(p.sensitive) !== 0,
    media: media.filter((m) => m.post_id === p.id).map((m) => mediaView(m, publicUrl)),
    likeCount: Number(p.like_count),
    commentCount: Number(p.comment_count),
    viewerHasLiked: reactions.has(p.id),
    viewerReaction: reactions.get(p.id) ?? null,
    createdAt: p.created_at,
    updatedAt: p.updated_at,
  }));
  const nextCursor = last !== undefined ? Buffer.from(`v1:${last}`).toString('base64url') : null;
  return { result: { data: { items, nextCursor } } };
}
