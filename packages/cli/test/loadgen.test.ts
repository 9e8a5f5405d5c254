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

  it('sends every --header and the --token with each get request', async () => {
    const seen: Record<string, string | string[] | undefined>[] = [];
    const plain = createServer((request, response) => {
      seen.push(request.headers);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    const url = await new Promise<string>((resolve) =>
      plain.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(plain.address() as AddressInfo).port}`)),
    );
    try {
      const result = await home.run([
        '--json',
        ...['loadgen', 'run', 'get', '--target', url, '--rate', '10', '--duration', '1s', '--workers', '1'],
        ...['--header', 'X-Loadgen-Run: header test', '--header', 'x-second:2', '--token', 'tok_abc123'],
      ]);
      expect(result.code, result.stderr).toBe(0);
      expect(seen).toHaveLength(10);
      for (const headers of seen) {
        expect(headers['x-loadgen-run']).toBe('header test');
        expect(headers['x-second']).toBe('2');
        expect(headers['authorization']).toBe('Bearer tok_abc123');
      }
    } finally {
      await new Promise((resolve) => plain.close(resolve));
    }
  });

  it("--token signs get requests in: a real server's authed query answers with it, refuses without", async () => {
    const client = createClient({ url: server.url });
    const name = `lgtoken_${process.pid}`;
    await client.auth.register({
      username: name,
      email: `${name}@example.com`,
      password: 'correct horse battery staple',
    });
    const args = ['--json', 'loadgen', 'run', 'get', '--target', server.url, '--path', '/trpc/accounts.me'];
    const load = ['--rate', '5', '--duration', '1s', '--workers', '1'];

    const signedIn = await home.run([...args, ...load, '--token', client.token!, '--threshold', 'errors<1%']);
    expect(signedIn.code, signedIn.stderr).toBe(0);
    expect((JSON.parse(signedIn.stdout) as { counts: { completed: number } }).counts.completed).toBe(5);

    const anonymous = await home.run([...args, ...load]);
    const run = JSON.parse(anonymous.stdout) as {
      errors: Record<string, number>;
      metrics: { get: { all: { failed: number } } };
    };
    expect(run.errors).toEqual({ UNAUTHENTICATED: 5 });
    // The refusals count among all requests, at the time they took.
    expect(run.metrics.get.all.failed).toBe(5);
  });

  it.each([
    [['--header', 'no colon here'], /--header "no colon here": expected 'Name: value'/],
    [['--header', 'Bad Name: x'], /--header "Bad Name: x": expected 'Name: value'/],
    [['--token', 'two words'], /--token: expected a token without spaces/],
  ])('refuses %j with a usage error (exit 2)', async (flags, message) => {
    const result = await home.run(['loadgen', 'run', 'get', '--target', server.url, '--rate', '5', ...flags]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('refuses --header for a scenario that acts as users, and --video-share outside upload', async () => {
    const base = ['loadgen', 'run', 'feed', '--target', server.url, '--rate', '5', '--users', '3'];
    const header = await home.run([...base, '--header', 'X-A: b']);
    expect(header.code).toBe(2);
    expect(header.stderr).toMatch(/--header and --token apply to the get scenario/);
    const video = await home.run([...base, '--video-share', '0.2']);
    expect(video.code).toBe(2);
    expect(video.stderr).toMatch(/--video-share applies to the upload scenario/);
    const tags = await home.run([...base, '--hashtags', '3']);
    expect(tags.code).toBe(2);
    expect(tags.stderr).toMatch(/--hashtags applies to the scenarios that post/);
    // More than the server keeps per post would not be tag writes at all.
    for (const count of ['31', '-1', '2.5', '']) {
      const refused = await home.run(['loadgen', 'run', 'upload', '--target', server.url, '--hashtags', count]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/expected a whole number from 0 to 30/);
    }
  });

  it('upload --video-share sends real videos the server accepts, reported apart from the photos', async () => {
    const client = createClient({ url: server.url });
    const name = `lgvideo_${process.pid}`;
    await client.auth.register({
      username: name,
      email: `${name}@example.com`,
      password: 'correct horse battery staple',
    });
    const tokensFile = join(home.dir, 'video-tokens.txt');
    await writeFile(tokensFile, `${client.token!}\n`);

    const result = await home.run([
      '--json',
      ...['loadgen', 'run', 'upload', '--target', server.url, '--tokens-file', tokensFile, '--large-share', '0'],
      ...['--video-share', '1', '--rate', '1', '--duration', '1s', '--workers', '1', '--threshold', 'errors<1%'],
    ]);

    expect(result.code, result.stderr).toBe(0);
    const run = JSON.parse(result.stdout) as { metrics: Record<string, { count: number }> };
    expect(run.metrics['video']!.count).toBe(1);
    expect(run.metrics['video_accepted']!.count).toBe(1);
    expect(run.metrics['upload']?.count ?? 0).toBe(0);
    const [post] = await client.feed.home({ limit: 5 }).toArray({ max: 5 });
    expect(post!.media[0]!.kind).toBe('video');
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
