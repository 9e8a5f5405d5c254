// What the feed benchmark prints at the end: the open-model rounds, the capacity rounds with the
// cost per request (on Postgres the database backends' CPU beside the server thread's), fan-out.
import { median } from './open-model.js';
import { formatSpread, spread } from './paired.js';

/** The floor's cost per page over Aperture's that the bench holds Aperture to (Aperture ≤ 1.25× the floor). */
const TARGET = 0.8;

const side = (rounds, name, key) => median(rounds.map((r) => r[name][key]));
const ratio = (rounds, top, bottom, key) => spread(rounds.map((r) => r[top][key] / r[bottom][key]));

function reportOpen(results, { rate, seconds, dialect }) {
  const fixed = (n, d = 2, w = 8) => n.toFixed(d).padStart(w);
  const total = (name, key) => results.reduce((s, r) => s + r[name][key], 0);
  console.log(`open model at ${rate} req/s for ${seconds} s, ${results.length} ABBA pairs, medians`);
  console.log(`                       req/s    p50 ms   p99 ms  late  errors`);
  for (const [label, name] of [
    [`floor (raw ${dialect})`.padEnd(20), 'floor'],
    ['aperture feed.home  ', 'aperture'],
  ]) {
    const [rps, p50, p99] = ['rps', 'p50', 'p99'].map((key) => side(results, name, key));
    console.log(
      `${label} ${fixed(rps, 0, 7)} ${fixed(p50)} ${fixed(p99)} ${String(total(name, 'late')).padStart(5)} ${String(total(name, 'errors')).padStart(7)}`,
    );
  }
  console.log(`ratio aperture/floor per pair: p50 ${formatSpread(ratio(results, 'aperture', 'floor', 'p50'))}`);
  console.log(`                               p99 ${formatSpread(ratio(results, 'aperture', 'floor', 'p99'))}`);
  if (rate >= 2000) {
    const p99 = side(results, 'aperture', 'p99');
    console.log(`target p99 < 25 ms at ${rate} req/s: ${p99 < 25 ? 'met' : `MISSED (${p99.toFixed(1)} ms)`}`);
  }
}

/**
 * CPU time per request is the primary figure: throughput and busy time both move with whatever
 * else the machine runs, CPU time much less. Where the kernel gives no per-thread CPU time the
 * event loop's busy time stands in. On Postgres the figure judged is the total: the server
 * thread's CPU plus that of the database backends serving it.
 */
function reportCapacity(capacity, { dialect }) {
  const both = (key) => capacity.every((r) => r.floor[key] !== null && r.aperture[key] !== null);
  const threadKey = both('cpuUs') ? 'cpuUs' : 'busyUs';
  const threadName = threadKey === 'cpuUs' ? 'CPU time' : 'event-loop busy time';
  const withBackends = dialect === 'postgres' && both('backendUs');
  for (const r of capacity) {
    for (const s of ['floor', 'aperture']) r[s].totalUs = r[s][threadKey] + (withBackends ? r[s].backendUs : 0);
  }
  const costKey = withBackends ? 'totalUs' : threadKey;
  const costName = withBackends
    ? `server thread ${threadName} + Postgres backends' CPU time`
    : `server thread ${threadName}`;
  const cost = ratio(capacity, 'floor', 'aperture', costKey);
  const throughput = ratio(capacity, 'aperture', 'floor', 'rps');
  const us = (name, key) => `${side(capacity, name, key).toFixed(0)} µs`;
  console.log(`closed loop, 32 in flight, 3 s rounds, ${capacity.length} ABBA pairs:`);
  console.log(
    `  server thread ${threadName} per request: floor ${us('floor', threadKey)}, aperture ${us('aperture', threadKey)} (medians)`,
  );
  if (withBackends) {
    console.log(
      `  Postgres backends' CPU time per request: floor ${us('floor', 'backendUs')}, aperture ${us('aperture', 'backendUs')} (medians)`,
    );
    console.log(
      `  total CPU time per request:              floor ${us('floor', 'totalUs')}, aperture ${us('aperture', 'totalUs')} (medians)`,
    );
  } else if (dialect === 'postgres') {
    console.log(`  Postgres backends' CPU time: not readable here (/proc shows no such processes): thread only`);
  }
  console.log(`  floor's cost / aperture's, per pair: ${formatSpread(cost)}`);
  console.log(
    `  max throughput: floor ${side(capacity, 'floor', 'rps').toFixed(0)} req/s, aperture ${side(capacity, 'aperture', 'rps').toFixed(0)} req/s (medians)`,
  );
  console.log(`  aperture's throughput / floor's, per pair: ${formatSpread(throughput)}`);
  console.log(
    `target aperture >= 80% of the floor (floor's ${costName} / aperture's, median of pairs): ${cost.median >= TARGET ? 'met' : 'MISSED'}`,
  );
}

function reportFanout(fanout) {
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

export function report({ dialect, rate, seconds, results, capacity, fanout }) {
  if (results.length > 0) reportOpen(results, { rate, seconds, dialect });
  if (capacity.length > 0) reportCapacity(capacity, { dialect });
  if (fanout) reportFanout(fanout);
}
