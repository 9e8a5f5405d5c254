import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@aperture/sdk';
import { startEphemeralServer, type EphemeralServer } from '@aperture/server';
import { checkDeployment } from '../src/check/check.js';
import { runLoad } from '../src/engine/run-load.js';
import { SCENARIOS } from '../src/plan/scenarios.js';
import { formatCheck } from '../src/check/format-check.js';
import { generatePhotos } from '../src/scenarios/photos.js';
import { generateVideo } from '../src/scenarios/videos.js';
import type { PhotoSet, UsersSpec } from '../src/scenarios/options.js';
import { seedDataset, seededToken } from '../src/seed/index.js';

const SEED = 3;
const USERS = 60;
const users: UsersSpec = { kind: 'seeded', seed: SEED, users: USERS };
const METRICS_TOKEN = 'loadgen-check-metrics-token';
let dir: string;
let aperture: EphemeralServer;
let photos: PhotoSet;

// A small seeded dataset served by a real server: the scenarios act as its users through the
// tokens derived from the seed, as they do against a big one.
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aperture-loadgen-world-'));
  const databaseUrl = `sqlite:${join(dir, 'aperture.db')}`;
  await seedDataset({
    databaseUrl,
    users: USERS,
    postsPerUser: 3,
    followDistribution: 'powerlaw',
    followsMin: 5,
    followsMax: 15,
    seed: SEED,
  });
  // /metrics is served only to the holder of the token: `check` reads the server's CPU with it.
  aperture = await startEphemeralServer({ APERTURE_DATABASE_URL: databaseUrl, APERTURE_METRICS_TOKEN: METRICS_TOKEN });
  photos = await generatePhotos(join(dir, 'photos'), { largeShare: 0, variants: 1 });
}, 60_000);

afterAll(async () => {
  await aperture?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('scenarios on a seeded dataset', () => {
  it('mixed: feed reads with likes, comments and posts in between, without errors', async () => {
    const result = await runLoad({
      scenario: 'mixed',
      options: { target: aperture.url, users, photos, readsPerWrite: 3, feedPages: 1 },
      model: { kind: 'open', stages: [{ rate: 20, seconds: 2 }] },
      workers: 1,
    });

    expect(result.samples).toEqual([]);
    expect(result.counts.completed).toBe(40);
    expect(result.metrics['feed']!.count).toBeGreaterThan(0);
    const writes = ['like', 'comment', 'upload'].reduce((n, m) => n + (result.metrics[m]?.count ?? 0), 0);
    expect(writes).toBeGreaterThan(0);
    expect(writes + result.metrics['feed']!.count).toBe(40);
  });

  it('fanout: a new post reaches sampled followers, and the lag is recorded', async () => {
    const followers = await createClient({ url: aperture.url, token: seededToken(SEED, 1) })
      .graph.followers('1')
      .toArray({ max: 10 });
    expect(followers.length).toBeGreaterThan(0);

    const result = await runLoad({
      scenario: 'fanout',
      options: { target: aperture.url, users, photos, fanoutAuthors: [1], fanoutSample: 3, fanoutTimeoutMs: 20_000 },
      model: { kind: 'open', stages: [{ rate: 1, seconds: 2 }] },
      workers: 1,
    });

    expect(result.samples).toEqual([]);
    expect(result.metrics['fanout']!.count).toBe(2);
    expect(result.metrics['post']!.count).toBe(2);
  });

  it('check: finds sustainable rates and turns them into a verdict with a node count', async () => {
    const result = await checkDeployment({
      scenarios: [SCENARIOS['seed-001']],
      target: aperture.url,
      users,
      photos,
      workers: 1,
      stepSeconds: 1,
      feedRates: { start: 5, max: 10 },
      uploadRates: { start: 0.5, max: 1 },
      refinements: 0,
      minUploadsPerStep: 1,
      metrics: { token: METRICS_TOKEN },
    });

    const [verdict] = result.verdicts;
    expect(verdict!.id).toBe('seed-001');
    expect(result.steps.map((s) => `${s.kind}:${s.rate}`)).toEqual(expect.arrayContaining(['feed:5', 'upload:0.5']));
    // The token opened the server's /metrics, so its CPU was measured for every step.
    expect(result.steps.every((s) => s.serverCores !== null && s.serverCores >= 0)).toBe(true);
    const feed = verdict!.feed;
    expect(feed.targetP99Ms).toBe(SCENARIOS['seed-001'].targets.feedP99Ms);
    expect(feed.requiredPeakPerSec).toBeGreaterThan(10);
    // A test machine cannot serve the notes' peak: the verdict is a node count from the rate found.
    expect(feed.met).toBe(false);
    expect(feed.nodes).toBe(
      feed.sustainablePerSec > 0 ? Math.ceil(feed.requiredPeakPerSec / feed.sustainablePerSec) : null,
    );
    expect([
      'server CPU',
      'load generator CPU',
      "this machine's CPU (other processes)",
      'latency target before CPU saturation',
      'not reached',
    ]).toContain(feed.saturated);
    expect(result.scalingAssumption).toMatch(/linearly/);
  });

  it("check: seed-002's upload steps send its videos, one per five photos, reported apart", async () => {
    const video = await generateVideo(join(dir, 'video'), { share: 0, width: 160, height: 90, seconds: 1 });
    const result = await checkDeployment({
      scenarios: [SCENARIOS['seed-002']],
      target: aperture.url,
      users,
      photos,
      video,
      workers: 1,
      stepSeconds: 1,
      feedRates: { start: 5, max: 5 },
      uploadRates: { start: 1, max: 1 },
      refinements: 0,
      // Three uploads at 1/6 videos: the third is a video.
      minUploadsPerStep: 3,
    });

    const [verdict] = result.verdicts;
    expect(verdict!.media.videoShare).toBeCloseTo(1 / 6, 12);
    expect(verdict!.media.peakVideoIngressBytesPerSec).toBeCloseTo((2 * 10e6 * 150e6) / 86_400, 0);
    const uploads = result.steps.filter((s) => s.kind === 'upload');
    expect(uploads.length).toBeGreaterThan(0);
    for (const step of uploads) {
      expect(step.videoShare).toBeCloseTo(1 / 6, 12);
      expect(step.videos!.count).toBeGreaterThanOrEqual(1);
      expect(step.videos!.readyP99).toBeGreaterThanOrEqual(step.videos!.acceptedP99);
      // Judged by the photos: they are the `upload` metric, the videos are not in it.
      expect(step.run.metrics['upload']!.count + step.videos!.count).toBe(step.run.counts.started);
    }
    expect(formatCheck(result)).toMatch(/media: 16\.7% of uploads sent as videos; the peak needs 231 video uploads\/s/);
  });
});
