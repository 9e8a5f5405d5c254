import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEphemeralServer, type EphemeralServer } from '@aperture/server';
import { createCliHome, requireBuild, type CliHome } from './support/cli.js';

const METRICS_TOKEN = 'cli-loadgen-check-metrics-token';
let home: CliHome;
let server: EphemeralServer;

// The server serves /metrics only behind its token or on its metrics port; `check` is told where
// and with what, by flag or environment, and then measures the server's CPU in every step.
beforeAll(async () => {
  requireBuild();
  home = await createCliHome();
  const databaseUrl = `sqlite:${join(home.dir, 'aperture.db')}`;
  const seeded = await home.run([
    'loadgen',
    'seed',
    '--database',
    databaseUrl,
    '--users',
    '20',
    '--posts-per-user',
    '2',
    '--follows-min',
    '2',
    '--follows-max',
    '5',
    '--seed',
    '7',
  ]);
  expect(seeded.code, seeded.stderr).toBe(0);
  server = await startEphemeralServer({
    APERTURE_DATABASE_URL: databaseUrl,
    APERTURE_METRICS_TOKEN: METRICS_TOKEN,
    APERTURE_METRICS_PORT: '0',
  });
}, 60_000);
afterAll(async () => {
  await server?.stop();
  await home?.cleanup();
});

const checkArgs = () => [
  '--json',
  'loadgen',
  'check',
  '--scenario',
  'photo-app-1m-dau',
  '--target',
  server.url,
  '--users',
  '20',
  '--seed',
  '7',
  '--workers',
  '1',
  '--large-share',
  '0',
  '--step-duration',
  '1s',
  '--feed-start',
  '5',
  '--feed-max',
  '5',
  '--upload-start',
  '0.5',
  '--upload-max',
  '0.5',
  '--refinements',
  '0',
  // Steps of 1 s: too few samples to call any rate sustainable, enough to read the server's CPU.
  '--max-step-duration',
  '1s',
];

describe('aperture loadgen check', () => {
  it("reads the server's CPU from --metrics-url with the token from APERTURE_METRICS_TOKEN", async () => {
    const result = await home.run([...checkArgs(), '--metrics-url', `${server.server.metricsUrl!}/metrics`], {
      env: { APERTURE_METRICS_TOKEN: METRICS_TOKEN },
    });
    expect(result.code, result.stderr).toBe(0);
    const check = JSON.parse(result.stdout) as {
      steps: { kind: string; serverCores: number | null; samples: number }[];
      verdicts: {
        feed: { unit: string; sustainablePerSec: number };
        upload: { inconclusive: { samples: number } };
        media: { largeShare: number; notePhotoKB: number };
      }[];
    };
    expect(check.steps.map((s) => s.kind)).toEqual(expect.arrayContaining(['feed', 'upload']));
    for (const step of check.steps) expect(step.serverCores).not.toBeNull();
    // Under 200 samples a step proves nothing: no rate is sustainable, the upload is inconclusive.
    const [verdict] = check.verdicts;
    expect(verdict!.feed).toMatchObject({ unit: 'requests/s', sustainablePerSec: 0 });
    expect(verdict!.upload.inconclusive.samples).toBe(check.steps.find((s) => s.kind === 'upload')!.samples);
    // --large-share replaces the note's photo size (200 KB photos would need no 12 MP ones either).
    expect(verdict!.media).toMatchObject({ largeShare: 0, notePhotoKB: 200 });
  }, 120_000);

  it("sends the hashtag scenario's posts with the note's 8 hashtags each: its tag writes", async () => {
    const args = checkArgs().map((a) => (a === 'photo-app-1m-dau' ? 'instagram-hashtags-2m-posts' : a));
    const rate = (flag: string) => args.indexOf(flag) + 1;
    // Two uploads a second for a 1 s step: a post or two to look at.
    args[rate('--upload-start')] = '2';
    args[rate('--upload-max')] = '2';
    const result = await home.run([...args, '--metrics-url', `${server.server.metricsUrl!}/metrics`], {
      env: { APERTURE_METRICS_TOKEN: METRICS_TOKEN },
    });
    expect(result.code, result.stderr).toBe(0);
    const check = JSON.parse(result.stdout) as {
      verdicts: { feed: unknown; media: { hashtagsPerPost: number; peakTagWritesPerSec: number } }[];
    };
    expect(check.verdicts[0]!.feed).toBeNull();
    expect(check.verdicts[0]!.media).toMatchObject({ hashtagsPerPost: 8 });
    expect(check.verdicts[0]!.media.peakTagWritesPerSec).toBeCloseTo(370.37, 1);
    const db = server.server.db.kysely;
    const tagged = await db
      .selectFrom('posts')
      .leftJoin('post_tags', 'post_tags.post_id', 'posts.id')
      .select(['posts.id', (eb) => eb.fn.count<number>('post_tags.tag_id').as('tags')])
      .where('posts.caption', 'like', 'loadgen #%')
      .groupBy('posts.id')
      .execute();
    expect(tagged.length).toBeGreaterThan(0);
    for (const post of tagged) expect(Number(post.tags)).toBe(8);
  }, 120_000);

  it('accepts a former scenario id with a deprecation warning, before sending anything', async () => {
    const args = checkArgs().map((a) => (a === 'photo-app-1m-dau' ? 'seed-001' : a));
    const result = await home.run([...args, '--metrics-url', 'ftp://127.0.0.1/metrics']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('warning: scenario "seed-001" is deprecated, use "photo-app-1m-dau"');
  });

  it('refuses a metrics URL that is not http(s) before sending anything (exit 2)', async () => {
    const result = await home.run([...checkArgs(), '--metrics-url', 'ftp://127.0.0.1/metrics']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--metrics-url: expected an http\(s\) URL/);
  });
});
