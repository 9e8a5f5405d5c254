// Load-driving helpers of the feed benchmark: an open-model round (requests due at a fixed rate,
// timed from when they were due), a closed-loop capacity probe, and small utilities.
import { clock, sleepUntil } from '@aperture/loadgen';

export function flag(flags, name, fallback) {
  // `--name=value` or `--name value`.
  const raw = wordFlag(flags, name, undefined);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new Error(`--${name} needs a number`);
  return n;
}

/** A flag whose value is a word, not a number: `--name=value` or `--name value`. */
export function wordFlag(flags, name, fallback) {
  const at = flags.findIndex((f) => f === `--${name}` || f.startsWith(`--${name}=`));
  if (at === -1) return fallback;
  const raw = flags[at] === `--${name}` ? flags[at + 1] : flags[at].slice(name.length + 3);
  if (!raw || raw.startsWith('--')) throw new Error(`--${name} needs a value`);
  return raw;
}

/**
 * One open-model round: request i is due at t0 + i/rate; latency counts from when it was due. The
 * load generator's own wait sends each request at its due time, never before it (a timer alone
 * fires up to ~1 ms early, which would under-report sub-ms latencies).
 */
export async function drive(makeRequest, rate, seconds, users) {
  const total = Math.round(rate * seconds);
  const latencies = [];
  let late = 0;
  let errors = 0;
  let firstError;
  const inflight = [];
  const t0 = clock() + 50;
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    await sleepUntil(due);
    if (clock() - due > 5) late++; // the generator itself fell behind: still timed from `due`
    const user = 1 + Math.floor(Math.random() * users);
    inflight.push(
      makeRequest(user).then(
        () => latencies.push(clock() - due),
        (error) => {
          errors++;
          firstError ??= error.message;
        },
      ),
    );
  }
  await Promise.all(inflight);
  const elapsed = (clock() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (p) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? NaN;
  return { rps: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), late, errors, firstError };
}

/** Closed loop at fixed concurrency: how many requests per second a side can complete at most. */
export async function saturate(makeRequest, users, seconds, concurrency = 32) {
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
  return { rps: done / ((performance.now() - started) / 1000), done };
}

export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

export async function fetchOk(url, headers) {
  const response = await fetch(url, { headers });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`status ${response.status} from ${url}: ${body.slice(0, 200)}`);
  return body;
}
