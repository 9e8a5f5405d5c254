// Fan-out lag: the most-followed account of the seeded dataset posts through the real API (photo
// uploaded and processed first; the clock starts when `posts.create` answers), then
// - sampled followers poll `feed.home` until the post is on their first page (what a reader sees), and
// - the timeline table is watched until every active follower's timeline holds the post (when the
//   background fan-out has finished pushing it, 1,000 rows per transaction).
import sharp from 'sharp';
import { createClient } from '@aperture/sdk';

const SAMPLE = 50;
const TIMEOUT_MS = 120_000;

/** `reader` reads the dataset (bench-dataset.js): `all(sql, params)` with `?` placeholders. */
export async function measureFanoutLag({ url, readUrl = url, reader, tokens, activeSince }) {
  const [author] = await reader.all(`SELECT id, follower_count FROM users ORDER BY follower_count DESC LIMIT 1`);
  const activeFollowers = (
    await reader.all(
      `SELECT follows.follower_id AS id FROM follows JOIN users ON users.id = follows.follower_id
        WHERE follows.followee_id = ? AND follows.state = 'active' AND users.last_active_at >= ?`,
      [author.id, activeSince],
    )
  ).map((row) => Number(row.id));
  const client = createClient({ url, token: tokens[author.id] });
  const photo = await sharp({
    create: { width: 1080, height: 1080, channels: 3, background: { r: 200, g: 120, b: 40 } },
  })
    .jpeg()
    .toBuffer();
  const media = await client.media.upload(photo);
  const started = performance.now();
  const post = await client.posts.create({ mediaIds: [media.id], caption: 'fan-out lag probe #bench' });
  const created = performance.now();

  const sample = pick(activeFollowers, SAMPLE);
  const input = encodeURIComponent(JSON.stringify({ limit: 5 }));
  const seenAfter = await Promise.all(
    sample.map(async (follower) => {
      for (;;) {
        const response = await fetch(`${readUrl}/trpc/feed.home?input=${input}`, {
          headers: { authorization: `Bearer ${tokens[follower]}` },
        });
        const body = await response.json();
        if (body.result?.data.items.some((p) => p.id === post.id)) return performance.now() - created;
        if (performance.now() - created > TIMEOUT_MS) return Infinity;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }),
  );

  const countRows = async () =>
    Number((await reader.all(`SELECT count(*) AS n FROM timeline WHERE post_id = ?`, [post.id]))[0].n);
  let pushedAfter = Infinity;
  for (;;) {
    if ((await countRows()) >= activeFollowers.length) {
      pushedAfter = performance.now() - created;
      break;
    }
    if (performance.now() - created > TIMEOUT_MS) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  seenAfter.sort((a, b) => a - b);
  const at = (p) => seenAfter[Math.min(seenAfter.length - 1, Math.floor(seenAfter.length * p))];
  return {
    followers: Number(author.follower_count),
    activeFollowers: activeFollowers.length,
    createMs: created - started,
    visibleP50: at(0.5),
    visibleP99: at(0.99),
    visibleMax: seenAfter.at(-1),
    allTimelinesMs: pushedAfter,
  };
}

function pick(list, n) {
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, n);
}
