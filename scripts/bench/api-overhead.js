// What does the full stack cost per request? `accounts.me` through Aperture (Fastify + tRPC + token
// lookup in SQLite + error/metrics middleware) against a raw Fastify route answering the same JSON
// from memory. Rounds alternate between the two so machine noise hits both; medians are quoted.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { createServer, loadConfig } from '@aperture/server';

const ROUNDS = 5;
const ROUND_MS = 2_000;
const CONCURRENCY = 16;

async function drive(url, headers) {
  const latencies = [];
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
  latencies.sort((a, b) => a - b);
  return {
    rps: latencies.length / (ROUND_MS / 1000),
    p50: latencies[Math.floor(latencies.length * 0.5)],
    p99: latencies[Math.floor(latencies.length * 0.99)],
  };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function run() {
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

  const results = { aperture: [], raw: [] };
  try {
    await drive(rawUrl, auth); // warm-up both
    await drive(`${url}/trpc/accounts.me`, auth);
    for (let round = 0; round < ROUNDS; round++) {
      results.raw.push(await drive(rawUrl, auth));
      results.aperture.push(await drive(`${url}/trpc/accounts.me`, auth));
    }
  } finally {
    await raw.close();
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
  const summary = (name) => ({
    rps: median(results[name].map((r) => r.rps)),
    p50: median(results[name].map((r) => r.p50)),
    p99: median(results[name].map((r) => r.p99)),
  });
  const a = summary('aperture');
  const b = summary('raw');
  console.log(`concurrency ${CONCURRENCY}, ${ROUNDS} alternating rounds of ${ROUND_MS} ms, medians`);
  console.log(`                         req/s    p50 ms   p99 ms`);
  console.log(
    `raw Fastify (baseline) ${b.rps.toFixed(0).padStart(7)} ${b.p50.toFixed(2).padStart(8)} ${b.p99.toFixed(2).padStart(8)}`,
  );
  console.log(
    `aperture accounts.me   ${a.rps.toFixed(0).padStart(7)} ${a.p50.toFixed(2).padStart(8)} ${a.p99.toFixed(2).padStart(8)}`,
  );
  console.log(
    `ratio aperture/raw: throughput ${(a.rps / b.rps).toFixed(2)}x, p50 latency ${(a.p50 / b.p50).toFixed(2)}x`,
  );
}
