// The home feed under an open model: `feed.home` through the real server against a bare Fastify
// route serving the same first page, byte for byte, with raw, reused prepared statements on the
// same database (the floor: better-sqlite3 on SQLite, named `pg` statements on Postgres with
// `--dialect postgres`). Requests are scheduled at a fixed rate and timed from their intended
// start, so a stall shows up as latency instead of silently lowering the load (coordinated
// omission). Then the fan-out lag of the most-followed account's new post.
import { seededToken } from '@aperture/loadgen';
import { openDataset } from './lib/bench-dataset.js';
import { measureFanoutLag } from './lib/fanout-lag.js';
import { FLOOR_APPLICATION_NAME } from './lib/feed-floor-pg.js';
import { report } from './lib/feed-report.js';
import { serverThread } from './lib/feed-server-thread.js';
import { drive, fetchOk, flag, saturate, wordFlag } from './lib/open-model.js';
import { pairedRounds } from './lib/paired.js';
import { backendCpuBetween, backendCpuWatcher } from './lib/pg-backend-cpu.js';
import { NO_LIMITS } from './lib/no-limits.js';

const PAGE = 20;
const SIDES = ['floor', 'aperture'];
// Both sides build media URLs from this, so their pages can be compared byte for byte.
const PUBLIC_URL = 'http://aperture.bench';
// The application_name of each side's Postgres connections (Aperture's pool names itself).
const APPLICATION_NAMES = { floor: FLOOR_APPLICATION_NAME, aperture: 'aperture' };

/** Both sides must serve the same page, byte for byte, or the comparison means nothing. */
async function checkSamePages(sides, users) {
  for (const user of [1, 2, Math.ceil(users / 2), users]) {
    const [floor, aperture] = [await sides.floor(user), await sides.aperture(user)];
    if (JSON.parse(floor).result.data.items.length === 0 || floor !== aperture) {
      throw new Error(`user ${user}: the floor's page differs from aperture's:\n${floor}\n${aperture}`);
    }
  }
}

/**
 * Closed-loop capacity of one side, with its cost per request: the server thread's CPU time (where
 * the kernel reports it per thread) and event loop's busy time, and on Postgres the CPU time of the
 * database backends serving this side (`backends()`, null where /proc cannot see them).
 */
async function capacityRound(thread, request, users, backends) {
  const before = await thread.call('cost');
  const backendsBefore = await backends?.();
  const { rps, done } = await saturate(request, users, 3);
  const backendsAfter = await backends?.();
  const after = await thread.call('cost');
  const perRequest = (key) => (after[key] === null ? null : (1000 * (after[key] - before[key])) / done);
  const backendMs = backends ? backendCpuBetween(backendsBefore, backendsAfter) : null;
  return {
    rps,
    busyUs: perRequest('busyMs'),
    cpuUs: perRequest('cpuMs'),
    backendUs: backendMs === null ? null : (1000 * backendMs) / done,
  };
}

const PHASES = ['open', 'capacity', 'fanout'];

export async function run(flags) {
  const rate = flag(flags, 'rate', 200);
  const pairs = flag(flags, 'pairs', 7);
  const seconds = flag(flags, 'seconds', 10);
  const phases = wordFlag(flags, 'phases', PHASES.join(',')).split(',');
  const unknown = phases.filter((p) => !PHASES.includes(p));
  if (unknown.length > 0) throw new Error(`--phases: unknown ${unknown.join(', ')} (known: ${PHASES.join(', ')})`);
  // The same dataset `aperture loadgen seed` builds (power-law follows, celebrities unpushed,
  // timelines capped at 800), so these numbers can be reproduced against any deployment. --data DIR
  // (SQLite) or --database-url URL (Postgres) keeps it and reuses it next time; the fan-out phase
  // adds one post to it.
  const dataset = await openDataset(flags, { name: 'feed', users: 20_000 });
  const { dialect, databaseUrl, dataDir, users, seed } = dataset;
  const env = {
    APERTURE_DATA_DIR: dataDir,
    APERTURE_DATABASE_URL: databaseUrl,
    APERTURE_PORT: '0',
    APERTURE_LOG_LEVEL: 'silent',
    APERTURE_ROLE: 'api',
    APERTURE_PUBLIC_URL: PUBLIC_URL,
    ...NO_LIMITS,
  };
  const watcher = dialect === 'postgres' ? backendCpuWatcher(databaseUrl) : undefined;
  const database = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  const backends = (name) => (watcher ? () => watcher.read(database, APPLICATION_NAMES[name]) : undefined);
  try {
    const tokens = Array.from({ length: users + 1 }, (_, id) => seededToken(seed, id));
    const thread = serverThread(env, { publicUrl: PUBLIC_URL, page: PAGE });
    let fanout;
    let results = [];
    let capacity = [];
    try {
      const { url, floorUrl, mediaUrl } = await thread.call('start');
      const input = encodeURIComponent(JSON.stringify({ limit: PAGE }));
      const sides = {
        floor: (u) => fetchOk(`${floorUrl}?user=${u}`),
        aperture: (u) => fetchOk(`${url}/trpc/feed.home?input=${input}`, { authorization: `Bearer ${tokens[u]}` }),
      };
      await checkSamePages(sides, users);
      for (const name of SIDES) await drive(sides[name], Math.min(rate, 200), 2, users); // warm-up
      const show = (r) => JSON.stringify(r, (_k, v) => (typeof v === 'number' ? +v.toFixed(2) : v));
      if (phases.includes('open')) {
        results = await pairedRounds(pairs, SIDES, async (name, pair) => {
          const r = await drive(sides[name], rate, seconds, users);
          console.log(`  open pair ${pair + 1} ${name.padEnd(8)} ${show(r)}`);
          return r;
        });
      }
      if (phases.includes('capacity')) {
        capacity = await pairedRounds(pairs, SIDES, async (name, pair) => {
          const r = await capacityRound(thread, sides[name], users, backends(name));
          console.log(`  capacity pair ${pair + 1} ${name.padEnd(8)} ${show(r)}`);
          return r;
        });
      }
      // Fan-out needs the background work: a worker-role server in a thread of its own (as a
      // separate `APERTURE_ROLE=worker` process would be) on the same database, with no celebrity
      // cut-off so that the most-followed account is pushed. Uploads and reads go to the API.
      if (phases.includes('fanout')) {
        const workerThread = serverThread(
          { ...env, APERTURE_ROLE: 'worker', APERTURE_CELEBRITY_FOLLOWERS: '100000000' },
          { publicUrl: PUBLIC_URL, page: PAGE },
        );
        try {
          await workerThread.call('start-worker');
          const activeSince = new Date(Date.now() - 30 * 86_400_000).toISOString();
          fanout = await measureFanoutLag({ url: mediaUrl, readUrl: url, reader: dataset.reader, tokens, activeSince });
        } finally {
          await workerThread.stop();
        }
      }
    } finally {
      await thread.stop();
    }
    report({ dialect, rate, seconds, results, capacity, fanout });
  } finally {
    await watcher?.close();
    await dataset.close();
  }
}
