// `kind` tells a photo's view from a video's, at run time and in the types. `npm run typecheck`
// (tsconfig.tests.json) checks the expectTypeOf calls and the expected errors below, so a media
// view whose `kind` stops narrowing fails it; the assertions check what travels on the wire.
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { startEphemeralServer, type EphemeralServer } from '@aperture/server';
import type { ImageMediaView, MediaView, PostMediaView, VideoMediaView } from '../src/index.js';
import { h264Mp4, removeVideoFixtures } from '../../server/test/fixtures/videos.js';
import { jpeg, signedInClient } from './support/media.js';

let server: EphemeralServer;
beforeAll(async () => {
  server = await startEphemeralServer();
});
afterAll(async () => {
  await server?.stop();
  await removeVideoFixtures();
});

/** The keys of a media view, in the order they travel (clients and benchmarks compare bytes). */
const MEDIA_KEYS = [
  'id',
  'ownerId',
  'kind',
  'status',
  'progress',
  'durationMs',
  'failureCode',
  'failureReason',
  'width',
  'height',
  'aspectRatio',
  'thumbhash',
  'dominantColor',
  'urls',
  'renditions',
  'exif',
  'location',
  'createdAt',
];
const POST_MEDIA_KEYS = [
  'id',
  'kind',
  'durationMs',
  'width',
  'height',
  'aspectRatio',
  'thumbhash',
  'dominantColor',
  'urls',
  'renditions',
];

describe('media views told apart by kind', () => {
  it('narrow to the video view, with its renditions, or to the photo view, without', () => {
    expectTypeOf<MediaView>().toEqualTypeOf<ImageMediaView | VideoMediaView>();
    expectTypeOf<ImageMediaView['kind']>().toEqualTypeOf<'image'>();
    expectTypeOf<ImageMediaView['durationMs']>().toEqualTypeOf<null>();
    expectTypeOf<ImageMediaView['progress']>().toEqualTypeOf<null>();
    expectTypeOf<VideoMediaView['durationMs']>().toEqualTypeOf<number | null>();
    expectTypeOf<VideoMediaView['renditions']>().toEqualTypeOf<{ '720p'?: string; '360p'?: string }>();
    const read = (m: MediaView) => {
      if (m.kind === 'video') {
        expectTypeOf(m).toEqualTypeOf<VideoMediaView>();
        expectTypeOf(m.renditions['720p']).toEqualTypeOf<string | undefined>();
      } else {
        expectTypeOf(m).toEqualTypeOf<ImageMediaView>();
        // @ts-expect-error a photo has no renditions to read
        void m.renditions['720p'];
      }
      // @ts-expect-error unnarrowed, the view may be a photo's
      void m.renditions['720p'];
    };
    const readPostItem = (m: PostMediaView) => {
      if (m.kind === 'video') expectTypeOf(m.renditions['360p']).toEqualTypeOf<string | undefined>();
      else expectTypeOf(m.durationMs).toEqualTypeOf<null>();
      // @ts-expect-error unnarrowed, the item may be a photo
      void m.renditions['360p'];
    };
    expect([typeof read, typeof readPostItem]).toEqual(['function', 'function']);
  });

  it('carry kind, duration and renditions on the wire, keys in one order for both kinds', async () => {
    const client = await signedInClient(server.url);
    const photo = await client.media.upload(await jpeg(41, { width: 160, height: 120 }));
    const clip = await client.media.upload(await h264Mp4());

    expect(photo).toMatchObject({ kind: 'image', progress: null, durationMs: null, renditions: {} });
    expect(clip).toMatchObject({ kind: 'video', status: 'ready', progress: 100 });
    if (clip.kind !== 'video') throw new Error(`expected a video, got ${clip.kind}`);
    expect(clip.durationMs).toBeGreaterThan(900);
    expect(clip.renditions['720p']).toMatch(new RegExp(`/media/${clip.id}/720\\.mp4`));
    expect(Object.keys(photo)).toEqual(MEDIA_KEYS);
    expect(Object.keys(clip)).toEqual(MEDIA_KEYS);

    const post = await client.posts.create({ mediaIds: [photo.id, clip.id] });
    expect(post.media.map((m) => m.kind)).toEqual(['image', 'video']);
    for (const item of post.media) expect(Object.keys(item)).toEqual(POST_MEDIA_KEYS);
    const [first, second] = post.media;
    expect(first).toMatchObject({ kind: 'image', durationMs: null, renditions: {} });
    expect(second).toMatchObject({ kind: 'video', durationMs: clip.durationMs });
    expect(second?.kind === 'video' ? second.renditions['360p'] : undefined).toMatch(/\/360\.mp4$/);
  });
});
