import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPLOYMENT_STATS_CACHE_MS } from '../../src/http/deployment-metrics.js';
import { photo } from '../fixtures/images.js';
import { DIALECTS } from '../support/databases.js';
import { putTo, sha256, type Target } from '../support/media.js';
import { callTrpc, manualClock, startTestServer, type TestServer } from '../support/server.js';
import { registerUser } from '../support/users.js';

const TOKEN = 'a-metrics-token-only-the-scraper-knows';

/** The value of one series in Prometheus text (`name{…labels…} value`), or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = new Map([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    if (Object.entries(labels).every(([key, value]) => present.get(key) === value)) return Number(match[3]);
  }
  return undefined;
}

// The gauges an operator alerts on move with the queues: an event written and an upload completed
// show up at the next scrape, with their age by the server's clock, and go back to 0 once a worker
// has delivered and processed them. The scrape reads the database at most every 5 s.
describe.each(DIALECTS)('queue and lease gauges on $name', (dialect) => {
  const clock = manualClock();
  let t: TestServer;
  let ana: string;
  const scrape = async (): Promise<string> => {
    const response = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    return response.text();
  };
  /** Past the cache: the next scrape reads the database again. */
  const nextReading = () => clock.advance(DEPLOYMENT_STATS_CACHE_MS);

  beforeAll(async () => {
    t = await startTestServer({ dialect, clock, env: { APERTURE_METRICS_TOKEN: TOKEN } });
    // This test is the worker: it delivers and processes when it chooses.
    await t.server.background.dispatcher.stop();
    await t.server.background.mediaProcessor.stop();
    ana = await registerUser(t.url, 'ana');
    await registerUser(t.url, 'ben');
    await t.server.settle();
    nextReading();
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
  });

  it('start at 0 with nothing queued, and report this process as a live, leased node', async () => {
    const text = await scrape();
    expect(sample(text, 'aperture_outbox_pending_events')).toBe(0);
    expect(sample(text, 'aperture_outbox_oldest_pending_seconds')).toBe(0);
    expect(sample(text, 'aperture_outbox_parked_events')).toBe(0);
    expect(sample(text, 'aperture_media_queue_depth')).toBe(0);
    expect(sample(text, 'aperture_media_oldest_queued_seconds')).toBe(0);
    expect(sample(text, 'aperture_node_leases', { role: 'all' })).toBe(1);
    expect(sample(text, 'aperture_node_leases', { role: 'worker' })).toBe(0);
    expect(sample(text, 'aperture_node_lease_held')).toBe(1);
    expect(sample(text, 'aperture_storage_free_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'aperture_storage_min_free_bytes')).toBe(t.config.minFreeBytes);
  });

  it('count a queued event and upload with their age, keep the reading 5 s, and drop to 0 once worked', async () => {
    const followed = await callTrpc(t.url, 'graph.follow', { token: ana, input: { username: 'ben' } });
    expect(followed.status).toBe(200);
    const image = await photo({ width: 320, height: 240 });
    const created = await callTrpc<{ uploadId: string; target: Target }>(t.url, 'media.createUpload', {
      token: ana,
      input: { size: image.length, contentType: 'image/jpeg', sha256: sha256(image) },
    });
    const { uploadId, target } = created.body.result!.data;
    await putTo(target, image);
    expect((await callTrpc(t.url, 'media.completeUpload', { token: ana, input: { uploadId } })).status).toBe(200);

    clock.advance(42_000);
    const queued = await scrape();
    expect(sample(queued, 'aperture_outbox_pending_events')).toBeGreaterThanOrEqual(1);
    expect(sample(queued, 'aperture_outbox_oldest_pending_seconds')).toBe(42);
    expect(sample(queued, 'aperture_media_queue_depth')).toBe(1);
    expect(sample(queued, 'aperture_media_oldest_queued_seconds')).toBe(42);

    // The worker's turn: every event delivered, the image processed (its media.ready event too).
    expect(await t.server.background.mediaProcessor.processNext()).toBe(true);
    await t.server.settle();

    // Within the cache's 5 s a scrape costs no query: it reports the last reading, ages moving on.
    clock.advance(1_000);
    const cached = await scrape();
    expect(sample(cached, 'aperture_media_queue_depth')).toBe(1);
    expect(sample(cached, 'aperture_media_oldest_queued_seconds')).toBe(43);

    nextReading();
    const drained = await scrape();
    expect(sample(drained, 'aperture_outbox_pending_events')).toBe(0);
    expect(sample(drained, 'aperture_outbox_oldest_pending_seconds')).toBe(0);
    expect(sample(drained, 'aperture_media_queue_depth')).toBe(0);
    expect(sample(drained, 'aperture_media_oldest_queued_seconds')).toBe(0);
  }, 60_000);
});
