// The home feed under an open model: `feed.home` through the real server against a bare Fastify
// route serving the same first page, byte for byte, with raw, reused better-sqlite3 statements on
// the same file (the floor). Requests are scheduled at a fixed rate and timed from their intended
// start, so a stall shows up as latency instead of silently lowering the load (coordinated
// omission). Then the fan-out lag of the most-followed account's new post.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { createServer, loadConfig } from '@aperture/server';
import { seedDataset, seededToken } from '@aperture/loadgen';
import { measureFanoutLag } from './lib/fanout-lag.js';
import { floorRoute } from './lib/feed-floor.js';
import { drive, fetchOk, flag, median, saturate, wordFlag } from './lib/open-model.js';

const PAGE = 20;
const ROUNDS = 3; // per side, alternating floor, aperture, floor, …: the median is a real middle
// Both sides build media URLs from this, so their pages can be compared byte for byte.
const PUBLIC_URL = 'http://aperture.bench';

/** Both sides must serve the same page, byte for byte, or the comparison means nothing. */
async function checkSamePages(sides, users) {
  for (const user of [1, 2, Math.ceil(users / 2), users]) {
    const [floor, aperture] = [await sides.floor(user), await sides.aperture(user)];
    if (JSON.parse(floor).result.data.items.length === 0 || floor !== aperture) {
      throw new Error(`user ${user}: the floor's page differs from aperture's:\n${floor}\n${aperture}`);
    }
  }
}

/** Talks to the worker thread that hosts the servers: one request, one reply. */
function serverThread(env) {
  const worker = new Worker(new URL(import.meta.url), { workerData: { feedBench: { env } } });
  worker.on('error', (error) => console.error('server thread failed:', error));
  let next = 0;
  return {
    call(command, args) {
      const id = ++next;
      worker.postMessage({ id, command, args });
      return new Promise((resolve, reject) => {
        const onMessage = (message) => {
          if (message.id !== id) return;
          worker.off('message', onMessage);
          if (message.error) reject(new Error(message.error));
          else resolve(message.result);
        };
        worker.on('message', onMessage);
      });
    },
    async stop() {
      await this.call('stop');
      await worker.terminate();
    },
  };
}

/** Closed-loop capacity of one side plus the server thread's busy time per request (its CPU cost). */
async function capacityRound(thread, request, users) {
  const before = await thread.call('busy');
  const { rps, done } = await saturate(request, users, 3);
  const busyMs = (await thread.call('busy')) - before;
  return { rps, busyUs: (1000 * busyMs) / done };
}

const PHASES = ['open', 'capacity', 'fanout'];

/** How many users a dataset seeded earlier holds, or undefined when there is none to reuse. */
function seededUsers(file) {
  if (!existsSync(file)) return undefined;
  const db = new Database(file, { readonly: true });
  try {
    return Number(db.prepare('SELECT count(*) FROM users').pluck().get());
  } finally {
    db.close();
  }
}

export async function run(flags) {
  let users = flag(flags, 'users', 20_000);
  const postsPerUser = flag(flags, 'posts-per-user', 10);
  const seedValue = flag(flags, 'seed', 1);
  const rate = flag(flags, 'rate', 200);
  const seconds = flag(flags, 'seconds', 10);
  const followsMin = flag(flags, 'follows-min', 50);
  const followsMax = flag(flags, 'follows-max', 200);
  // --data DIR keeps the dataset (seeding the full size takes ~20 min) and reuses it next time;
  // the fan-out phase adds one post to it.
  const keep = wordFlag(flags, 'data', undefined);
  const phases = wordFlag(flags, 'phases', PHASES.join(',')).split(',');
  const unknown = phases.filter((p) => !PHASES.includes(p));
  if (unknown.length > 0) throw new Error(`--phases: unknown ${unknown.join(', ')} (known: ${PHASES.join(', ')})`);
  const dataDir = keep ? path.resolve(keep) : await mkdtemp(path.join(tmpdir(), 'aperture-bench-feed-'));
  if (keep) await mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, 'aperture.db');
  const env = {
    APERTURE_DATA_DIR: dataDir,
    APERTURE_PORT: '0',
    APERTURE_LOG_LEVEL: 'silent',
    APERTURE_ROLE: 'api',
    APERTURE_PUBLIC_URL: PUBLIC_URL,
  };
  try {
    // The same dataset `aperture loadgen seed` builds (power-law follows, celebrities unpushed,
    // timelines capped at 800), so these numbers can be reproduced against any deployment.
    const reused = seededUsers(file);
    if (reused === undefined) {
      const summary = await seedDataset({
        databaseUrl: `sqlite:${file}`,
        users,
        postsPerUser,
        followDistribution: 'powerlaw',
        followsMin,
        followsMax,
        seed: seedValue,
      });
      console.log(`seeded in ${summary.seconds.toFixed(1)} s:`, summary);
    } else {
      users = reused; // its tokens come from --seed, which must be the one it was seeded with
      console.log(`reusing the dataset in ${dataDir}: ${users} users`);
    }
    const tokens = Array.from({ length: users + 1 }, (_, id) => seededToken(seedValue, id));

    const thread = serverThread(env);
    let fanout;
    const results = { floor: [], aperture: [] };
    const capacity = { floor: [], aperture: [] };
    try {
      const { url, floorUrl, mediaUrl } = await thread.call('start');
      const input = encodeURIComponent(JSON.stringify({ limit: PAGE }));
      const sides = {
        floor: (u) => fetchOk(`${floorUrl}?user=${u}`),
        aperture: (u) => fetchOk(`${url}/trpc/feed.home?input=${input}`, { authorization: `Bearer ${tokens[u]}` }),
      };
      await checkSamePages(sides, users);
      for (const name of ['floor', 'aperture']) await drive(sides[name], Math.min(rate, 200), 2, users); // warm-up
      for (let round = 0; phases.includes('open') && round < ROUNDS; round++) {
        for (const name of ['floor', 'aperture']) {
          const r = await drive(sides[name], rate, seconds, users);
          results[name].push(r);
          console.log(
            `  round ${round + 1} ${name.padEnd(8)} ${JSON.stringify(r, (_k, v) => (typeof v === 'number' ? +v.toFixed(2) : v))}`,
          );
        }
      }
      for (let round = 0; phases.includes('capacity') && round < ROUNDS; round++) {
        for (const name of ['floor', 'aperture']) capacity[name].push(await capacityRound(thread, sides[name], users));
      }
      // Fan-out needs the background work: a worker-role server in a thread of its own (as a
      // separate `APERTURE_ROLE=worker` process would be) on the same file, with no celebrity
      // cut-off so that the most-followed account is pushed. Uploads and reads go to the API.
      if (phases.includes('fanout')) {
        const workerThread = serverThread({
          ...env,
          APERTURE_ROLE: 'worker',
          APERTURE_CELEBRITY_FOLLOWERS: '100000000',
        });
        try {
          await workerThread.call('start-worker');
          const activeSince = new Date(Date.now() - 30 * 86_400_000).toISOString();
          fanout = await measureFanoutLag({ url: mediaUrl, readUrl: url, file, tokens, activeSince });
        } finally {
          await workerThread.stop();
        }
      }
    } finally {
      await thread.stop();
    }
    report({ rate, seconds, results, capacity, fanout });
  } finally {
    if (!keep) await rm(dataDir, { recursive: true, force: true });
  }
}

function report({ rate, seconds, results, capacity, fanout }) {
  const summary = (name) => ({
    rps: median(results[name].map((r) => r.rps)),
    p50: median(results[name].map((r) => r.p50)),
    p99: median(results[name].map((r) => r.p99)),
    late: results[name].reduce((s, r) => s + r.late, 0),
    errors: results[name].reduce((s, r) => s + r.errors, 0),
  });
  if (results.aperture.length > 0) {
    const a = summary('aperture');
    const f = summary('floor');
    const fixed = (n, d = 2, w = 8) => n.toFixed(d).padStart(w);
    console.log(`open model at ${rate} req/s for ${seconds} s, ${ROUNDS} alternating rounds each, medians`);
    console.log(`                       req/s    p50 ms   p99 ms  late  errors`);
    for (const [label, s] of [
      ['floor (raw sqlite)  ', f],
      ['aperture feed.home  ', a],
    ]) {
      console.log(
        `${label} ${fixed(s.rps, 0, 7)} ${fixed(s.p50)} ${fixed(s.p99)} ${String(s.late).padStart(5)} ${String(s.errors).padStart(7)}`,
      );
    }
    console.log(
      `ratio aperture/floor: throughput ${(a.rps / f.rps).toFixed(2)}x, p50 ${(a.p50 / f.p50).toFixed(2)}x, p99 ${(a.p99 / f.p99).toFixed(2)}x`,
    );
    if (rate >= 2000) {
      console.log(`target p99 < 25 ms at ${rate} req/s: ${a.p99 < 25 ? 'met' : `MISSED (${a.p99.toFixed(1)} ms)`}`);
    }
  }
  if (capacity.aperture.length > 0) {
    const maxA = median(capacity.aperture.map((c) => c.rps));
    const maxF = median(capacity.floor.map((c) => c.rps));
    const costA = median(capacity.aperture.map((c) => c.busyUs));
    const costF = median(capacity.floor.map((c) => c.busyUs));
    console.log(
      `max throughput (closed loop, 32 in flight): floor ${maxF.toFixed(0)} req/s, aperture ${maxA.toFixed(0)} req/s = ${((100 * maxA) / maxF).toFixed(0)}% of floor`,
    );
    console.log(
      `server thread busy per request: floor ${costF.toFixed(0)} µs, aperture ${costA.toFixed(0)} µs = floor at ${((100 * costF) / costA).toFixed(0)}% of aperture's cost`,
    );
    console.log(`target throughput >= 60% of floor: ${maxA >= 0.6 * maxF ? 'met' : 'MISSED'}`);
  }
  if (fanout) {
    console.log(
      `fan-out: a post by the account with ${fanout.followers} followers (${fanout.activeFollowers} active); ` +
        `posts.create answered in ${fanout.createMs.toFixed(0)} ms`,
    );
    console.log(
      `  visible in sampled followers' feeds after p50 ${fanout.visibleP50.toFixed(0)} ms, p99 ${fanout.visibleP99.toFixed(0)} ms, max ${fanout.visibleMax.toFixed(0)} ms`,
    );
    console.log(`  pushed into all ${fanout.activeFollowers} timelines after ${fanout.allTimelinesMs.toFixed(0)} ms`);
    console.log(`target fan-out visibility p99 < 2 s: ${fanout.visibleP99 < 2000 ? 'met' : 'MISSED'}`);
  }
}

// Servers run in a worker thread so the load generator does not share their event loop (on 2
// cores: one for the servers, one for the client). Only one side is driven at a time.
if (!isMainThread && workerData?.feedBench) {
  const { env } = workerData.feedBench;
  const open = [];
  const commands = {
    async start() {
      // Several servers of this process serve the one SQLite file (this thread's two, the worker
      // thread's): allowed within one process only, which is what the bench is.
      const server = await createServer(loadConfig(env), { shareSqliteInProcess: true });
      const floor = floorRoute(path.join(env.APERTURE_DATA_DIR, 'aperture.db'), { publicUrl: PUBLIC_URL, page: PAGE });
      // A second API server on the same file with its own URLs, for the fan-out probe's upload.
      const { APERTURE_PUBLIC_URL: _benchUrls, ...own } = env;
      const uploads = await createServer(loadConfig(own), { shareSqliteInProcess: true });
      open.push(
        () => server.stop(),
        () => floor.close(),
        () => uploads.stop(),
      );
      const url = await server.start();
      await floor.app.listen({ host: '127.0.0.1', port: 0 });
      return {
        url,
        floorUrl: `http://127.0.0.1:${floor.app.server.address().port}/floor`,
        mediaUrl: await uploads.start(),
      };
    },
    async 'start-worker'() {
      const server = await createServer(loadConfig(env), { shareSqliteInProcess: true });
      open.push(() => server.stop());
      await server.start();
    },
    /** Milliseconds this thread's event loop has been busy (JS and the SQLite calls it makes). */
    busy: () => performance.eventLoopUtilization().active,
    async stop() {
      while (open.length > 0) await open.pop()();
    },
  };
  parentPort.on('message', async ({ id, command, args }) => {
    try {
      parentPort.postMessage({ id, result: await commands[command](args) });
    } catch (error) {
      parentPort.postMessage({ id, error: error instanceof Error ? error.stack : String(error) });
    }
  });
}
