import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@aperture/sdk';
import { startEphemeralServer, type EphemeralServer } from '@aperture/server';
import { runLoad } from '../src/engine/run-load.js';
import { generatePhotos } from '../src/scenarios/photos.js';
import { generateVideo } from '../src/scenarios/videos.js';

let aperture: EphemeralServer;
let dir: string;
const tokens: string[] = [];

// A small real world: three people who follow each other and have posted, registered through the
// SDK, so that feed pages hold posts and have a next cursor.
beforeAll(async () => {
  aperture = await startEphemeralServer();
  dir = await mkdtemp(join(tmpdir(), 'aperture-loadgen-'));
  const clients = [];
  for (let i = 0; i < 3; i++) {
    const client = createClient({ url: aperture.url });
    const name = `lg_${process.pid}_${i}`;
    await client.auth.register({
      username: name,
      email: `${name}@example.com`,
      password: 'correct horse battery staple',
    });
    clients.push({ client, name });
    tokens.push(client.token!);
  }
  for (const { client, name } of clients) {
    for (const other of clients) if (other.name !== name) await client.graph.follow({ username: other.name });
    for (let p = 0; p < 2; p++) {
      const bytes = await sharp({
        create: { width: 64, height: 64, channels: 3, background: { r: p * 90, g: name.length * 10, b: 50 } },
      })
        .jpeg()
        .toBuffer();
      await client.posts.publish([bytes], { caption: `${name} ${p}` });
    }
  }
}, 60_000);

afterAll(async () => {
  await aperture?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('scenarios against a real Aperture', () => {
  it('feed: reads home feeds as the users, following cursors, without errors', async () => {
    const result = await runLoad({
      scenario: 'feed',
      options: { target: aperture.url, users: { kind: 'tokens', tokens }, pageSize: 2, feedPages: 2 },
      model: { kind: 'open', stages: [{ rate: 20, seconds: 2 }] },
      workers: 1,
    });

    expect(result.samples).toEqual([]);
    expect(result.errors).toEqual({});
    expect(result.counts.completed).toBe(40);
    expect(result.throughput).toBeGreaterThan(0);
    // Six posts in every feed, two per page: each visit read its first page and the next one. The
    // first pages are `feed` (what a person waits for), one per visit; every page is `feed_page`.
    expect(result.metrics['feed']!.count).toBe(40);
    expect(result.metrics['feed_page']!.count).toBe(80);
    expect(result.metrics['feed']!.all.failed).toBe(0);
  });

  it('upload: sends generated photos through upload → ready → post', async () => {
    const photos = await generatePhotos(join(dir, 'photos'), { largeShare: 0, variants: 1 });
    const before = await createClient({ url: aperture.url, token: tokens[0]! }).feed.home({ limit: 50 }).toArray();

    const result = await runLoad({
      scenario: 'upload',
      options: { target: aperture.url, users: { kind: 'tokens', tokens: [tokens[0]!] }, photos },
      model: { kind: 'open', stages: [{ rate: 1, seconds: 2 }] },
      workers: 1,
    });

    expect(result.samples).toEqual([]);
    expect(result.counts.completed).toBe(2);
    expect(result.metrics['upload']!.count).toBe(2);
    expect(result.metrics['post']!.count).toBe(2);
    const after = await createClient({ url: aperture.url, token: tokens[0]! }).feed.home({ limit: 50 }).toArray();
    const fresh = after.filter((post) => !before.some((old) => old.id === post.id));
    expect(fresh).toHaveLength(2);
    expect(fresh.every((post) => post.caption === 'loadgen' && post.media.length === 1)).toBe(true);
  });

  it('upload with hashtags: each post carries that many distinct hashtags, and the server files it under each', async () => {
    const photos = await generatePhotos(join(dir, 'tagged'), { largeShare: 0, variants: 1 });
    const client = createClient({ url: aperture.url, token: tokens[1]! });
    const before = await client.feed.home({ limit: 50 }).toArray();

    const result = await runLoad({
      scenario: 'upload',
      options: { target: aperture.url, users: { kind: 'tokens', tokens: [tokens[1]!] }, photos, hashtagsPerPost: 8 },
      model: { kind: 'open', stages: [{ rate: 1, seconds: 2 }] },
      workers: 1,
    });

    expect(result.metrics['post']!.count).toBe(2);
    const fresh = (await client.feed.home({ limit: 50 }).toArray()).filter((p) => !before.some((o) => o.id === p.id));
    expect(fresh).toHaveLength(2);
    for (const post of fresh) {
      const tags = post.caption.match(/#\w+/g) ?? [];
      expect(new Set(tags).size).toBe(8);
      // A tag write each: the post is on every one of its hashtags' pages.
      for (const tag of tags) {
        const page = await client.feed.hashtag(tag.slice(1)).toArray();
        expect(page.map((p) => p.id)).toContain(post.id);
      }
    }
  });

  it('refuses a hashtag count the server would not keep before any request is sent', async () => {
    const run = runLoad({
      scenario: 'upload',
      options: { target: aperture.url, users: { kind: 'tokens', tokens: [tokens[1]!] }, hashtagsPerPost: 31 },
      model: { kind: 'open', stages: [{ rate: 1, seconds: 1 }] },
      workers: 1,
    });
    await expect(run).rejects.toThrow(/expected a whole number from 0 to 30/);
  });

  it('upload with videos: a real MP4 from the bundled ffmpeg, accepted, transcoded and posted', async () => {
    const photos = await generatePhotos(join(dir, 'mix-photos'), { largeShare: 0, variants: 1 });
    // A small clip keeps the server's transcode short on a test machine.
    const videos = await generateVideo(join(dir, 'videos'), { share: 0.5, width: 160, height: 90, seconds: 1 });
    const client = createClient({ url: aperture.url, token: tokens[1]! });
    const before = await client.feed.home({ limit: 50 }).toArray();

    const result = await runLoad({
      scenario: 'upload',
      options: { target: aperture.url, users: { kind: 'tokens', tokens: [tokens[1]!] }, photos, videos },
      model: { kind: 'open', stages: [{ rate: 1, seconds: 4 }] },
      workers: 1,
    });

    expect(result.samples).toEqual([]);
    expect(result.counts.completed).toBe(4);
    // Half of the uploads exactly, reported apart from the photos: to accepted and to ready.
    expect(result.metrics['upload']!.count).toBe(2);
    expect(result.metrics['video']!.count).toBe(2);
    expect(result.metrics['video_accepted']!.count).toBe(2);
    expect(result.metrics['video_accepted']!.max).toBeLessThanOrEqual(result.metrics['video']!.max);
    expect(result.metrics['post']!.count).toBe(4);
    const after = await client.feed.home({ limit: 50 }).toArray();
    const fresh = after.filter((post) => !before.some((old) => old.id === post.id));
    expect(fresh.map((post) => post.media[0]!.kind).sort()).toEqual(['image', 'image', 'video', 'video']);
    const video = fresh.find((post) => post.media[0]!.kind === 'video')!.media[0]!;
    expect(video.durationMs).toBeGreaterThan(500);
    expect(Object.keys(video.renditions).length).toBeGreaterThan(0);
  });
});
