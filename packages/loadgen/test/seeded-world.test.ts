import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@aperture/sdk';
import { startEphemeralServer, type EphemeralServer } from '@aperture/server';
import { checkDeployment } from '../src/check/check.js';
import { runLoad } from '../src/engine/run-load.js';
import { SCENARIOS } from '../src/plan/scenarios.js';
import { plan } from '../src/plan/plan.js';
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

  it('check: sizes feed steps for 200 samples and feed in requests; too few uploads are inconclusive', async () => {
    const scenario = SCENARIOS['photo-app-1m-dau'];
    const result = await checkDeployment({
      scenarios: [scenario],
      target: aperture.url,
      users,
      photos,
      workers: 1,
      stepSeconds: 1,
      // Uploads at 0.5/s would need 420 s for their samples: capped at 3 s, they cannot be judged.
      maxStepSeconds: 3,
      feedRates: { start: 100, max: 100 },
      uploadRates: { start: 0.5, max: 0.5 },
      refinements: 0,
      metrics: { token: METRICS_TOKEN },
    });

    const [verdict] = result.verdicts;
    expect(verdict!.id).toBe('photo-app-1m-dau');
    expect(result.minSamples).toBe(200);
    // The token opened the server's /metrics, so its CPU was measured for every step.
    expect(result.steps.every((s) => s.serverCores !== null && s.serverCores >= 0)).toBe(true);
    // 210 visits due at 100/s: the 1 s step ran 2.1 s.
    const feedStep = result.steps.find((s) => s.kind === 'feed' && s.rate === 100)!;
    expect(feedStep.seconds).toBe(2.1);
    expect(feedStep.samples).toBe(feedStep.run.metrics['feed']!.count);
    expect(feedStep.requestsPerVisit).toBeCloseTo(
      feedStep.run.metrics['feed_page']!.all.count / feedStep.run.metrics['feed']!.all.count,
      12,
    );
    const feed = verdict!.feed!;
    expect(feed.unit).toBe('requests/s');
    expect(feed.targetP99Ms).toBe(scenario.targets.feedP99Ms);
    expect(feed.requiredPeakPerSec).toBeCloseTo(plan(scenario).peakFeedRequestsPerSec!, 9);
    if (feed.sustainablePerSec > 0) {
      // Sustained on its 200 samples: visits/s × pages per visit, in the note's requests.
      expect(feed.samples).toBeGreaterThanOrEqual(200);
      expect(feed.sustainablePerSec).toBeCloseTo(100 * feedStep.requestsPerVisit, 9);
      expect(feed.nodes).toBe(Math.ceil(feed.requiredPeakPerSec / feed.sustainablePerSec));
    } else {
      expect(feed.nodes).toBeNull();
    }
    // A test machine cannot serve the notes' peak.
    expect(feed.met).toBe(false);

    const upload = verdict!.upload;
    const uploadSteps = result.steps.filter((s) => s.kind === 'upload');
    // One 3 s step of a couple of uploads, then no lower rate: it would hold fewer still.
    expect(uploadSteps.map((s) => [s.rate, s.seconds])).toEqual([[0.5, 3]]);
    expect(upload).toMatchObject({ unit: 'uploads/s', sustainablePerSec: 0, met: false, nodes: null });
    expect(upload.inconclusive).toEqual({ stepRatePerSec: 0.5, samples: uploadSteps[0]!.samples });
    expect(formatCheck(result)).toContain(`upload: inconclusive: ${uploadSteps[0]!.samples} samples at 0.5 uploads/s`);
    expect(result.scalingAssumption).toMatch(/linearly/);
  });

  it("check: instagram-50m-dau's upload steps send its videos, one per five photos, reported apart", async () => {
    const video = await generateVideo(join(dir, 'video'), { share: 0, width: 160, height: 90, seconds: 1 });
    const result = await checkDeployment({
      scenarios: [SCENARIOS['instagram-50m-dau']],
      target: aperture.url,
      users,
      photos,
      // 1080 px photos only: the note's 5 MB ones would be 12 MP sources, slow to make and process here.
      largeShare: 0,
      video,
      workers: 1,
      stepSeconds: 1,
      feedRates: { start: 5, max: 5 },
      uploadRates: { start: 1, max: 1 },
      refinements: 0,
      // Three uploads at 1/6 videos (the third is a video): too few to judge, enough to send one.
      maxStepSeconds: 3,
    });

    const [verdict] = result.verdicts;
    expect(verdict!.media.videoShare).toBeCloseTo(1 / 6, 12);
    // The note's 1,200 writes/s at the peak, a sixth of them 150 MB videos.
    expect(verdict!.media.peakVideoIngressBytesPerSec).toBeCloseTo(200 * 150e6, 0);
    const uploads = result.steps.filter((s) => s.kind === 'upload');
    expect(uploads.length).toBeGreaterThan(0);
    for (const step of uploads) {
      expect(step.videoShare).toBeCloseTo(1 / 6, 12);
      expect(step.videos!.count).toBeGreaterThanOrEqual(1);
      expect(step.videos!.readyP99).toBeGreaterThanOrEqual(step.videos!.acceptedP99);
      // Judged by the photos: they are the `upload` metric, the videos are not in it.
      expect(step.run.metrics['upload']!.count + step.videos!.count).toBe(step.run.counts.started);
    }
    expect(formatCheck(result)).toMatch(
      /media: photos: 0% from 12 MP sources .*; 16\.7% of uploads sent as videos; the peak needs 200 video uploads\/s/,
    );
  });

  it('check: refuses, before sending anything, a scenario whose photos need 12 MP sources the run did not make', async () => {
    const started = performance.now();
    await expect(
      checkDeployment({
        scenarios: [SCENARIOS['instagram-50m-dau']],
        target: aperture.url,
        users,
        photos: { ...photos, large: [] },
        workers: 1,
        stepSeconds: 1,
        feedRates: { start: 5, max: 5 },
        uploadRates: { start: 1, max: 1 },
        refinements: 0,
      }),
    ).rejects.toThrow(/12 MP photos/);
    // The warm-up alone would take two 1 s steps.
    expect(performance.now() - started).toBeLessThan(1_500);
  });
});
