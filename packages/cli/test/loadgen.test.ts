import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@aperture/sdk';
import { startEphemeralServer, type EphemeralServer } from '@aperture/server';
import { createCliHome, requireBuild, type CliHome } from './support/cli.js';

let server: EphemeralServer;
let home: CliHome;

beforeAll(async () => {
  requireBuild();
  server = await startEphemeralServer();
  home = await createCliHome();
});
afterAll(async () => {
  await home?.cleanup();
  await server?.stop();
});

describe('aperture loadgen run', () => {
  it('prints JSON of the run and exits 0 when every threshold passes', async () => {
    const result = await home.run([
      '--json',
      'loadgen',
      'run',
      'get',
      '--target',
      server.url,
      '--path',
      '/healthz',
      '--rate',
      '20',
      '--duration',
      '1s',
      '--workers',
      '1',
      '--threshold',
      'errors<1%',
      '--threshold',
      'get.p99<30s',
    ]);

    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    const run = JSON.parse(result.stdout) as {
      counts: { completed: number };
      metrics: { get: { count: number } };
      thresholds: { passed: boolean }[];
    };
    expect(run.counts.completed).toBe(20);
    expect(run.metrics.get.count).toBe(20);
    expect(run.thresholds.map((t) => t.passed)).toEqual([true, true]);
  });

  it('spreads load over every --target (repeated or comma-separated) in turn', async () => {
    // Two plain HTTP servers stand for two api processes: each counts what reaches it.
    const hits = [0, 0];
    const servers = hits.map((_, i) =>
      createServer((_request, response) => {
        hits[i]! += 1;
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      }),
    );
    const urls = await Promise.all(
      servers.map(
        (s) =>
          new Promise<string>((resolve) =>
            s.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)),
          ),
      ),
    );
    try {
      const result = await home.run([
        '--json',
        'loadgen',
        'run',
        'get',
        '--target',
        `${urls[0]},${urls[1]}`,
        '--target',
        urls[0]!,
        '--rate',
        '20',
        '--duration',
        '1s',
        '--workers',
        '1',
      ]);
      expect(result.code, result.stderr).toBe(0);
      const run = JSON.parse(result.stdout) as { target: string; counts: { completed: number } };
      expect(run.target).toBe(`${urls[0]}, ${urls[1]}`);
      expect(run.counts.completed).toBe(20);
      expect(hits).toEqual([10, 10]);
    } finally {
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    }
  });

  it('exits 99 and names the threshold that failed', async () => {
    const result = await home.run([
      'loadgen',
      'run',
      'get',
      '--target',
      server.url,
      '--rate',
      '10',
      '--duration',
      '1s',
      '--workers',
      '1',
      '--threshold',
      'get.p99<1us',
      '--threshold',
      'errors<1%',
    ]);

    expect(result.code).toBe(99);
    expect(result.stderr).toMatch(/1 of 2 thresholds failed: get\.p99<1us/);
    expect(result.stdout).toMatch(/✗ get\.p99 = .* \(< 0\.00 ms\): FAILED/);
    expect(result.stdout).toMatch(/✓ errors = 0%/);
    // The table is there too: the percentiles and the throughput line.
    expect(result.stdout).toMatch(/latency \(ms\)\s+p50\s+p90\s+p99\s+p99\.9\s+max/);
  });

  it('refuses a threshold it cannot read with a usage error (exit 2)', async () => {
    const result = await home.run([
      'loadgen',
      'run',
      'get',
      '--target',
      server.url,
      '--rate',
      '5',
      '--threshold',
      'p99 fast',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--threshold: threshold "p99 fast" is not like/);
  });

  it('runs the feed scenario as the sessions of a tokens file and writes a self-contained report', async () => {
    const tokens: string[] = [];
    for (let i = 0; i < 2; i++) {
      const client = createClient({ url: server.url });
      const name = `lgcli_${process.pid}_${i}`;
      await client.auth.register({
        username: name,
        email: `${name}@example.com`,
        password: 'correct horse battery staple',
      });
      tokens.push(client.token!);
    }
    const tokensFile = join(home.dir, 'tokens.txt');
    await writeFile(tokensFile, `# two users\n${tokens.join('\n')}\n`);
    const report = join(home.dir, 'report.html');

    const result = await home.run([
      'loadgen',
      'run',
      'feed',
      '--target',
      server.url,
      '--tokens-file',
      tokensFile,
      '--rate',
      '10',
      '--duration',
      '1s',
      '--workers',
      '1',
      '--report',
      report,
      '--threshold',
      'errors<1%',
    ]);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^feed\s+[\d.]+/m);
    const html = await readFile(report, 'utf8');
    expect(html).toMatch(/<svg[^>]*aria-label="Latency by percentile"/);
    expect(html).toMatch(/<svg[^>]*aria-label="Throughput per second"/);
    expect(html).toContain('errors&#60;1%');
    // Self-contained: nothing for the browser to fetch or run.
    expect(html).not.toMatch(/<script|<link|src=/i);
  });
});
