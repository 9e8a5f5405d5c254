import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { createServer } from '../../src/server.js';
import { sqliteDialect } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

const TOKEN = 'a-metrics-token-only-the-scraper-knows';
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});
async function serve(env: Record<string, string>): Promise<TestServer> {
  const t = await startTestServer({ dialect: sqliteDialect, env });
  servers.push(t);
  return t;
}

// /metrics names every procedure with its error rates and the process's memory and CPU: not for
// anyone on the public port. It is served behind APERTURE_METRICS_TOKEN and/or on a listener of
// its own (APERTURE_METRICS_PORT, on 127.0.0.1 unless APERTURE_METRICS_HOST says otherwise).
describe('who may read /metrics', () => {
  it('nobody on the public port when neither a token nor a metrics port is set', async () => {
    const t = await serve({});
    for (const init of [{}, bearer(TOKEN)]) {
      const response = await fetch(`${t.url}/metrics`, init);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
    expect(t.server.metricsUrl).toBeUndefined();
  });

  it('the holder of APERTURE_METRICS_TOKEN on the public port', async () => {
    const t = await serve({ APERTURE_METRICS_TOKEN: TOKEN });
    const anonymous = await fetch(`${t.url}/metrics`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await anonymous.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    for (const wrong of [`${TOKEN}x`, TOKEN.slice(0, -1), 'short']) {
      expect((await fetch(`${t.url}/metrics`, bearer(wrong))).status).toBe(401);
    }
    expect((await fetch(`${t.url}/metrics`, { headers: { authorization: TOKEN } })).status).toBe(401);

    const scraped = await fetch(`${t.url}/metrics`, bearer(TOKEN));
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await scraped.text()).toMatch(/^process_cpu_seconds_total\{[^}]*\} [0-9.]+$/m);
  });

  it('anyone who reaches the metrics port, which listens on 127.0.0.1 by default; the public port has none', async () => {
    const t = await serve({ APERTURE_METRICS_PORT: '0' });
    expect(t.config.metrics.host).toBe('127.0.0.1');
    const metricsUrl = t.server.metricsUrl!;
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(metricsUrl).not.toBe(t.url);

    expect((await fetch(`${t.url}/metrics`)).status).toBe(404);
    const scraped = await fetch(`${metricsUrl}/metrics`);
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toMatch(/^process_cpu_seconds_total/m);
    // The metrics listener serves metrics and nothing else.
    expect((await fetch(`${metricsUrl}/healthz`)).status).toBe(404);
    expect((await fetch(`${metricsUrl}/trpc/tags.trending`)).status).toBe(404);
  });

  it('the holder of the token on the metrics port too, when both are set', async () => {
    const t = await serve({ APERTURE_METRICS_PORT: '0', APERTURE_METRICS_TOKEN: TOKEN });
    const metricsUrl = t.server.metricsUrl!;
    expect((await fetch(`${metricsUrl}/metrics`)).status).toBe(401);
    expect((await fetch(`${metricsUrl}/metrics`, bearer(TOKEN))).status).toBe(200);
    expect((await fetch(`${t.url}/metrics`, bearer(TOKEN))).status).toBe(200);
  });

  it('a worker process too: it answers health, and metrics under the same rules', async () => {
    const t = await serve({ APERTURE_ROLE: 'worker', APERTURE_METRICS_PORT: '0' });
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${t.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${t.server.metricsUrl!}/metrics`)).status).toBe(200);
  });

  it('none at all when the metrics port is taken: the server does not start, and leaves no port open', async () => {
    const blocker = createTcpServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as AddressInfo).port;
    const database = await sqliteDialect.create({ migrate: false });
    const dataDir = await mkdtemp(join(tmpdir(), 'aperture-metrics-'));
    try {
      const config = {
        ...loadConfig({
          APERTURE_DATA_DIR: dataDir,
          APERTURE_PORT: '0',
          APERTURE_LOG_LEVEL: 'silent',
          APERTURE_METRICS_PORT: String(taken),
        }),
        database: database.config,
      };
      const server = await createServer(config);
      try {
        await expect(server.start()).rejects.toThrow(/EADDRINUSE/);
        expect(server.app.server.listening).toBe(false);
      } finally {
        await server.stop();
      }
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
      await database.cleanup();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
