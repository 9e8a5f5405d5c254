// Read/write separation: does background work on a worker-role process slow the API's reads?
// An API-role server for reads, another for uploads and a worker-role server share one database and
// data directory (on Postgres three `aperture serve` processes; on SQLite, which one process serves,
// one process with a thread per server). `feed.home` is driven at a fixed open-model rate, timed from each request's intended
// start, in ABBA pairs of rounds: A with the worker idle, B while uploads of 12 MP photos keep its
// media processing saturated (its backlog, sampled every 100 ms, must stay above zero throughout).
// Target: the feed's p99 grows at most 2× (median of the per-pair p99 ratios).
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { seededToken } from '@aperture/loadgen';
import { openDataset } from './lib/bench-dataset.js';
import { drive, fetchOk, flag, median } from './lib/open-model.js';
import { formatSpread, pairedRounds, spread } from './lib/paired.js';
import { startSeparatedServers } from './lib/separation-servers.js';
import { backlogSampler, cameraPhoto, uploadPressure, waitForBacklog } from './lib/upload-pressure.js';
import { NO_LIMITS } from './lib/no-limits.js';

const SIDES = ['alone', 'busy'];
const PAGE = 20;

export async function run(flags) {
  const rate = flag(flags, 'rate', 100);
  const pairs = flag(flags, 'pairs', 7);
  const seconds = flag(flags, 'seconds', 10);
  // Photos kept waiting for the worker: enough that it never runs dry between two of them.
  const backlog = flag(flags, 'backlog', 4);
  if (backlog < 2) throw new Error('--backlog: at least 2, so that one waits while another is processed');
  const dataset = await openDataset(flags, { name: 'separation', users: 5_000 });
  const { dialect, databaseUrl, dataDir, users, seed, reader } = dataset;
  const scratch = await mkdtemp(path.join(tmpdir(), 'aperture-bench-photos-'));
  try {
    const photoFile = await cameraPhoto(scratch);
    console.log(`camera photo: 4000×3000 JPEG, ${((await stat(photoFile)).size / 1e6).toFixed(1)} MB`);
    const tokens = Array.from({ length: users + 1 }, (_, id) => seededToken(seed, id));
    const env = {
      APERTURE_DATA_DIR: dataDir,
      APERTURE_DATABASE_URL: databaseUrl,
      APERTURE_LOG_LEVEL: 'silent',
      ...NO_LIMITS,
    };
    const servers = await startSeparatedServers(dialect, env);
    console.log(`servers: ${servers.processes}, ${dialect}`);
    let results;
    try {
      const input = encodeURIComponent(JSON.stringify({ limit: PAGE }));
      const feed = (u) =>
        fetchOk(`${servers.url}/trpc/feed.home?input=${input}`, { authorization: `Bearer ${tokens[u]}` });
      await drive(feed, rate, 2, users); // warm-up
      const round = {
        feed,
        reader,
        rate,
        seconds,
        users,
        url: servers.writeUrl,
        tokens,
        photoFile,
        databaseUrl,
        backlog,
      };
      const show = (r) => JSON.stringify(r, (_k, v) => (typeof v === 'number' ? +v.toFixed(2) : v));
      results = await pairedRounds(pairs, SIDES, async (side, pair) => {
        const r = await (side === 'busy' ? busyRound : aloneRound)(round);
        console.log(`  pair ${pair + 1} ${side.padEnd(5)} ${show(r)}`);
        return r;
      });
    } finally {
      await servers.stop();
    }
    report({ dialect, rate, seconds, backlog, results });
  } finally {
    await rm(scratch, { recursive: true, force: true });
    await dataset.close();
  }
}

/** The worker idle: its queue empty when the round starts (the busy round before has drained). */
async function aloneRound({ feed, reader, rate, seconds, users }) {
  await waitForBacklog(reader, { atMost: 0 });
  const sampler = backlogSampler(reader);
  const r = await drive(feed, rate, seconds, users);
  return { ...r, backlogMax: Math.max(...(await sampler.stop())) };
}

/** The worker saturated: uploads under way and some waiting before the round starts. */
async function busyRound({ feed, reader, rate, seconds, users, url, tokens, photoFile, databaseUrl, backlog }) {
  const started = performance.now();
  // A hundred accounts upload, the first ones of the dataset.
  const pressure = uploadPressure({ url, tokens: tokens.slice(0, 101), photoFile, databaseUrl, backlog });
  let samples;
  let r;
  let uploads;
  try {
    await waitForBacklog(reader, { atLeast: backlog - 1 });
    const sampler = backlogSampler(reader);
    r = await drive(feed, rate, seconds, users);
    samples = await sampler.stop();
  } finally {
    // Each uploader finishes the photo it has under way, so the queue is empty when this returns.
    uploads = await pressure.stop();
  }
  const photosPerSecond = uploads.uploaded / ((performance.now() - started) / 1000);
  return {
    ...r,
    backlogMin: Math.min(...samples),
    backlogMedian: median(samples),
    photosPerSecond,
    uploaded: uploads.uploaded,
    failed: uploads.failed,
    uploadError: uploads.firstError,
  };
}

function report({ dialect, rate, seconds, backlog, results }) {
  const fixed = (n, d = 2, w = 8) => n.toFixed(d).padStart(w);
  console.log(
    `feed.home at ${rate} req/s for ${seconds} s per round, ${results.length} ABBA pairs, ${dialect}: ` +
      `alone = worker idle, busy = uploads of 12 MP photos keeping ~${backlog} waiting for its media processing`,
  );
  console.log(`pair   alone p50   p99 ms    busy p50   p99 ms   p99 busy/alone  backlog min  photos/s  errors`);
  results.forEach((r, i) => {
    console.log(
      `${String(i + 1).padStart(4)} ${fixed(r.alone.p50, 2, 11)} ${fixed(r.alone.p99)} ${fixed(r.busy.p50, 2, 11)} ${fixed(r.busy.p99)} ` +
        `${fixed(r.busy.p99 / r.alone.p99, 2, 16)} ${String(r.busy.backlogMin).padStart(12)} ${fixed(r.busy.photosPerSecond, 2, 9)} ` +
        `${String(r.alone.errors + r.busy.errors + r.busy.failed).padStart(7)}`,
    );
  });
  const side = (name, key) => median(results.map((r) => r[name][key]));
  console.log(
    `medians: alone p50 ${side('alone', 'p50').toFixed(2)} ms, p99 ${side('alone', 'p99').toFixed(2)} ms; ` +
      `busy p50 ${side('busy', 'p50').toFixed(2)} ms, p99 ${side('busy', 'p99').toFixed(2)} ms`,
  );
  const growth = spread(results.map((r) => r.busy.p99 / r.alone.p99));
  console.log(`p99 busy/alone per pair: ${formatSpread(growth)}`);
  console.log(`p50 busy/alone per pair: ${formatSpread(spread(results.map((r) => r.busy.p50 / r.alone.p50)))}`);
  const dry = results.flatMap((r, i) => (r.busy.backlogMin > 0 ? [] : [i + 1]));
  const idle = results.flatMap((r, i) => (r.alone.backlogMax === 0 ? [] : [i + 1]));
  console.log(
    `worker's media backlog above zero throughout every busy round: ${dry.length === 0 ? 'yes' : `NO (pairs ${dry.join(', ')})`}; ` +
      `empty throughout every alone round: ${idle.length === 0 ? 'yes' : `NO (pairs ${idle.join(', ')})`}`,
  );
  const failures = results.reduce((s, r) => s + r.alone.errors + r.busy.errors + r.busy.failed, 0);
  const firstError = results.map((r) => r.alone.firstError ?? r.busy.firstError ?? r.busy.uploadError).find(Boolean);
  if (failures > 0) console.log(`errors: ${failures}, the first: ${firstError}`);
  const verdict =
    dry.length > 0 || idle.length > 0
      ? 'not judged (the rounds did not keep the worker saturated, or idle, as intended)'
      : growth.median <= 2
        ? 'met'
        : `MISSED (${growth.median.toFixed(2)}x)`;
  console.log(`target feed p99 grows <= 2x with the worker saturated (median of pairs): ${verdict}`);
}
