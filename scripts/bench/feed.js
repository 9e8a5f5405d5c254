// The home feed under an open model: `feed.home` through the real server against a bare Fastify
// route computing the same first page with raw, reused better-sqlite3 statements on the same file
// (the floor). Requests are scheduled at a fixed rate and timed from their intended start, so a
// stall shows up as latency instead of silently lowering the load (coordinated omission).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { createServer, loadConfig, migrate } from '@aperture/server';
import { seedFeedDataset } from './lib/feed-seed.js';

const PAGE = 20;
const ROUNDS = 3; // per side, alternating floor, aperture, floor, …: the median is a real middle

function flag(flags, name, fallback) {
  // `--name=value` or `--name value`.
  const at = flags.findIndex((f) => f === `--${name}` || f.startsWith(`--${name}=`));
  if (at === -1) return fallback;
  const raw = flags[at] === `--${name}` ? flags[at + 1] : flags[at].slice(name.length + 3);
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new Error(`--${name} needs a number`);
  return n;
}

/** The floor: the same first page as `feed.home`, straight from SQLite with reused statements. */
function floorRoute(file) {
  const db = new Database(file, { readonly: true });
  db.defaultSafeIntegers(true);
  const q = {
    followees: db.prepare(`SELECT followee_id FROM follows WHERE follower_id = ? AND state = 'active'`).pluck(),
    own: db.prepare(
      `SELECT id, author_id FROM posts WHERE author_id = ? AND deleted_at IS NULL ORDER BY id DESC LIMIT ?`,
    ),
    timeline: db.prepare(
      `SELECT post_id AS id, author_id FROM timeline WHERE user_id = ? ORDER BY post_id DESC LIMIT ?`,
    ),
    unpushed: db.prepare(
      `SELECT id, author_id FROM posts WHERE author_id IN (SELECT value FROM json_each(?))
        AND deleted_at IS NULL AND pushed = 0 ORDER BY id DESC LIMIT ?`,
    ),
    muted: db.prepare(`SELECT muted_id FROM mutes WHERE muter_id = ?`).pluck(),
    liked: db
      .prepare(`SELECT post_id FROM likes WHERE user_id = ? AND post_id IN (SELECT value FROM json_each(?))`)
      .pluck(),
    posts: db.prepare(`SELECT * FROM posts WHERE id IN (SELECT value FROM json_each(?))`),
    authors: db.prepare(`SELECT * FROM users WHERE id IN (SELECT value FROM json_each(?))`),
    media: db.prepare(
      `SELECT media.*, post_media.post_id, post_media.position FROM post_media
        JOIN media ON media.id = post_media.media_id
        WHERE post_media.post_id IN (SELECT value FROM json_each(?)) ORDER BY post_media.position`,
    ),
  };
  const app = Fastify({ logger: false });
  app.get('/floor', async (request) => {
    const user = BigInt(request.query.user);
    const followed = q.followees.all(user).map(String);
    const lists = [q.own.all(user, PAGE + 1), q.timeline.all(user, PAGE + 1)];
    if (followed.length > 0) lists.push(q.unpushed.all(JSON.stringify(followed), PAGE + 1));
    const byId = new Map();
    for (const list of lists) for (const c of list) byId.set(c.id, c);
    const page = [...byId.values()].sort((a, b) => (a.id < b.id ? 1 : -1)).slice(0, PAGE);
    const ids = JSON.stringify(page.map((c) => String(c.id)));
    const authors = JSON.stringify([...new Set(page.map((c) => String(c.author_id)))]);
    const muted = new Set(q.muted.all(user));
    const byPost = new Map(q.posts.all(ids).map((p) => [p.id, p]));
    const posts = page.flatMap((c) => {
      const post = byPost.get(c.id);
      return post && post.deleted_at === null && !muted.has(post.author_id) ? [post] : [];
    });
    const liked = new Set(q.liked.all(user, ids));
    const users = new Map(q.authors.all(authors).map((a) => [a.id, a]));
    const media = q.media.all(ids);
    return {
      items: posts.map((p) => ({
        id: String(p.id),
        caption: p.caption,
        author: { id: String(p.author_id), username: users.get(p.author_id)?.username },
        liked: liked.has(p.id),
        media: media.filter((m) => m.post_id === p.id).map((m) => ({ id: String(m.id), width: Number(m.width) })),
      })),
    };
  });
  return {
    app,
    close: async () => {
      await app.close();
      db.close();
    },
  };
}

/** One open-model round: request i is due at t0 + i/rate; latency counts from when it was due. */
async function drive(makeRequest, rate, seconds, users) {
  const total = Math.round(rate * seconds);
  const latencies = [];
  let late = 0;
  let errors = 0;
  let firstError;
  const inflight = [];
  const t0 = performance.now() + 50;
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    else if (wait < -5) late++; // the generator itself fell behind: still timed from `due`
    const user = 1 + Math.floor(Math.random() * users);
    inflight.push(
      makeRequest(user).then(
        () => latencies.push(performance.now() - due),
        (error) => {
          errors++;
          firstError ??= error.message;
        },
      ),
    );
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (p) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? NaN;
  return { rps: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), late, errors, firstError };
}

/** Closed loop at fixed concurrency: how many requests per second each side can complete at most. */
async function saturate(makeRequest, users, seconds, concurrency = 32) {
  let done = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  async function worker() {
    while (performance.now() < deadline) {
      await makeRequest(1 + Math.floor(Math.random() * users));
      done++;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return done / ((performance.now() - started) / 1000);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

async function fetchOk(url, headers) {
  const response = await fetch(url, { headers });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`status ${response.status} from ${url}: ${body.slice(0, 200)}`);
  return body;
}

/** Both sides must serve the same page, or the comparison means nothing. */
async function checkSamePages(sides, users) {
  for (const user of [1, 2, Math.ceil(users / 2), users]) {
    const floorIds = JSON.parse(await sides.floor(user)).items.map((p) => p.id);
    const apertureIds = JSON.parse(await sides.aperture(user)).result.data.items.map((p) => p.id);
    if (floorIds.length === 0 || floorIds.join() !== apertureIds.join()) {
      throw new Error(`user ${user}: floor page ${floorIds.join()} differs from aperture's ${apertureIds.join()}`);
    }
  }
}

export async function run(flags) {
  const users = flag(flags, 'users', 20_000);
  const postsPerUser = flag(flags, 'posts-per-user', 10);
  const seedValue = flag(flags, 'seed', 1);
  const rate = flag(flags, 'rate', 500);
  const seconds = flag(flags, 'seconds', 10);
  const followsMin = flag(flags, 'follows-min', 50);
  const followsMax = flag(flags, 'follows-max', 200);
  const dataDir = await mkdtemp(path.join(tmpdir(), 'aperture-bench-feed-'));
  const env = { APERTURE_DATA_DIR: dataDir, APERTURE_PORT: '0', APERTURE_LOG_LEVEL: 'silent', APERTURE_ROLE: 'api' };
  try {
    await migrate(loadConfig(env));
    const started = performance.now();
    const { tokens, counts } = seedFeedDataset(path.join(dataDir, 'aperture.db'), {
      users,
      postsPerUser,
      seedValue,
      followsMin,
      followsMax,
    });
    console.log(`seeded in ${((performance.now() - started) / 1000).toFixed(1)} s:`, counts);

    const worker = new Worker(new URL(import.meta.url), { workerData: { feedBench: { env } } });
    const { url, floorUrl } = await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    const input = encodeURIComponent(JSON.stringify({ limit: PAGE }));
    const sides = {
      floor: (u) => fetchOk(`${floorUrl}?user=${u}`),
      aperture: (u) => fetchOk(`${url}/trpc/feed.home?input=${input}`, { authorization: `Bearer ${tokens[u]}` }),
    };
    const results = { floor: [], aperture: [] };
    const capacity = { floor: [], aperture: [] };
    try {
      await checkSamePages(sides, users);
      for (const name of ['floor', 'aperture']) await drive(sides[name], Math.min(rate, 200), 2, users); // warm-up
      for (let round = 0; round < ROUNDS; round++) {
        for (const name of ['floor', 'aperture']) {
          const r = await drive(sides[name], rate, seconds, users);
          results[name].push(r);
          console.log(
            `  round ${round + 1} ${name.padEnd(8)} ${JSON.stringify(r, (_k, v) => (typeof v === 'number' ? +v.toFixed(2) : v))}`,
          );
        }
      }
      for (let round = 0; round < ROUNDS; round++) {
        for (const name of ['floor', 'aperture']) capacity[name].push(await saturate(sides[name], users, 3));
      }
    } finally {
      worker.postMessage('stop');
      await new Promise((resolve) => worker.once('exit', resolve));
    }
    const summary = (name) => ({
      rps: median(results[name].map((r) => r.rps)),
      p50: median(results[name].map((r) => r.p50)),
      p99: median(results[name].map((r) => r.p99)),
      late: results[name].reduce((s, r) => s + r.late, 0),
      errors: results[name].reduce((s, r) => s + r.errors, 0),
    });
    const a = summary('aperture');
    const f = summary('floor');
    console.log(`open model at ${rate} req/s for ${seconds} s, ${ROUNDS} alternating rounds each, medians`);
    console.log(`                       req/s    p50 ms   p99 ms  late  errors`);
    for (const [label, s] of [
      ['floor (raw sqlite)  ', f],
      ['aperture feed.home  ', a],
    ]) {
      console.log(
        `${label} ${s.rps.toFixed(0).padStart(7)} ${s.p50.toFixed(2).padStart(8)} ${s.p99.toFixed(2).padStart(8)} ${String(s.late).padStart(5)} ${String(s.errors).padStart(7)}`,
      );
    }
    console.log(
      `ratio aperture/floor: throughput ${(a.rps / f.rps).toFixed(2)}x, p50 ${(a.p50 / f.p50).toFixed(2)}x, p99 ${(a.p99 / f.p99).toFixed(2)}x`,
    );
    const maxA = median(capacity.aperture);
    const maxF = median(capacity.floor);
    console.log(
      `max throughput (closed loop, 32 in flight): floor ${maxF.toFixed(0)} req/s, aperture ${maxA.toFixed(0)} req/s = ${((100 * maxA) / maxF).toFixed(0)}% of floor`,
    );
    console.log(`target throughput >= 60% of floor: ${maxA >= 0.6 * maxF ? 'met' : 'MISSED'}`);
    if (rate >= 2000)
      console.log(`target p99 < 25 ms at ${rate} req/s: ${a.p99 < 25 ? 'met' : `MISSED (${a.p99.toFixed(1)} ms)`}`);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

// Both servers run in a worker thread so the load generator does not share their event loop (on 2
// cores: one for the servers, one for the client). Only one of the two is driven at a time.
if (!isMainThread && workerData?.feedBench) {
  const { env } = workerData.feedBench;
  const server = await createServer(loadConfig(env));
  const url = await server.start();
  const floor = floorRoute(path.join(env.APERTURE_DATA_DIR, 'aperture.db'));
  await floor.app.listen({ host: '127.0.0.1', port: 0 });
  parentPort.postMessage({ url, floorUrl: `http://127.0.0.1:${floor.app.server.address().port}/floor` });
  parentPort.once('message', async () => {
    await floor.close();
    await server.stop();
    parentPort.close();
  });
}
