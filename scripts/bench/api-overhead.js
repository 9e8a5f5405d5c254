// What does the full stack cost per request? `accounts.me` through Aperture (Fastify + tRPC + token
// lookup in SQLite + error/metrics middleware) against a raw Fastify route answering the same JSON
// from memory. Paired rounds in ABBA order (`--pairs`, default 7); each pair gives a ratio, and the
// median of those ratios is quoted with its interquartile range. Client and servers share this
// process, so its CPU time per request counts the same client work on both sides.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { createServer, loadConfig } from '@aperture/server';
import { flag } from './lib/open-model.js';
import { formatSpread, pairedRounds, spread } from './lib/paired.js';

const ROUND_MS = 2_000;
const CONCURRENCY = 16;

async function drive(url, headers) {
  const latencies = [];
  const cpu = process.cpuUsage();
  const deadline = performance.now() + ROUND_MS;
  async function worker() {
    while (performance.now() < deadline) {
      const start = performance.now();
      const response = await fetch(url, { headers });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`status ${response.status} from ${url}`);
      latencies.push(performance.now() - start);
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const used = process.cpuUsage(cpu);
  latencies.sort((a, b) => a - b);
  return {
    cpuUs: (used.user + used.system) / latencies.length,
    rps: latencies.length / (ROUND_MS / 1000),
    p50: latencies[Math.floor(latencies.length * 0.5)],
    p99: latencies[Math.floor(latencies.length * 0.99)],
  };
}

export async function run(flags) {
  const pairs = flag(flags, 'pairs', 7);
  const dataDir = await mkdtemp(path.join(tmpdir(), 'aperture-bench-'));
  const server = await createServer(
    loadConfig({ APERTURE_DATA_DIR: dataDir, APERTURE_PORT: '0', APERTURE_LOG_LEVEL: 'silent' }),
  );
  const url = await server.start();
  const registered = await fetch(`${url}/trpc/accounts.register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench', email: 'bench@example.com', password: 'benchmark password' }),
  }).then((r) => r.json());
  const token = registered.result.data.token;
  const auth = { authorization: `Bearer ${token}` };
  const body = await fetch(`${url}/trpc/accounts.me`, { headers: auth }).then((r) => r.text());

  const raw = Fastify({ logger: false });
  raw.get('/me', async (_request, reply) => reply.header('content-type', 'application/json').send(body));
  await raw.listen({ host: '127.0.0.1', port: 0 });
  const rawUrl = `http://127.0.0.1:${raw.server.address().port}/me`;

  const sides = { raw: () => drive(rawUrl, auth), aperture: () => drive(`${url}/trpc/accounts.me`, auth) };
  let results;
  try {
    await sides.raw(); // warm-up both
    await sides.aperture();
    results = await pairedRounds(pairs, ['raw', 'aperture'], (side) => sides[side]());
  } finally {
    await raw.close();
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
  const median = (name, key) => spread(results.map((r) => r[name][key])).median;
  const ratio = (top, bottom, key) => formatSpread(spread(results.map((r) => r[top][key] / r[bottom][key])));
  console.log(`concurrency ${CONCURRENCY}, ${pairs} ABBA pairs of ${ROUND_MS} ms rounds, medians`);
  console.log(`                         req/s    p50 ms   p99 ms   CPU µs/req`);
  for (const [label, name] of [
    ['raw Fastify (baseline)', 'raw'],
    ['aperture accounts.me  ', 'aperture'],
  ]) {
    const [rps, p50, p99, cpu] = ['rps', 'p50', 'p99', 'cpuUs'].map((key) => median(name, key));
    console.log(
      `${label} ${rps.toFixed(0).padStart(7)} ${p50.toFixed(2).padStart(8)} ${p99.toFixed(2).padStart(8)} ${cpu.toFixed(0).padStart(12)}`,
    );
  }
  console.log(`per pair: CPU per request raw/aperture ${ratio('raw', 'aperture', 'cpuUs')}`);
  console.log(`          throughput aperture/raw      ${ratio('aperture', 'raw', 'rps')}`);
  console.log(`          p50 latency aperture/raw     ${ratio('aperture', 'raw', 'p50')}`);
}
