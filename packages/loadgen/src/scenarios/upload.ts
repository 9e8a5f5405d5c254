import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { ApertureClient, PostView } from '@aperture/sdk';
import { clock } from '../engine/clock.js';
import { uniqueJpeg } from './photos.js';
import type { PhotoSet } from './options.js';
import type { Scenario, ScenarioContext } from './types.js';
import type { UserPool } from './users.js';

/** Source photos read once per worker; each upload then sends a unique copy. */
export function photoSource(photos: PhotoSet | undefined): () => Buffer {
  if (!photos || photos.small.length === 0) throw new Error('the upload scenarios need generated photos');
  const small = photos.small.map((path) => readFileSync(path));
  const large = photos.large.map((path) => readFileSync(path));
  let made = 0;
  return () => {
    // An exact share rather than a coin flip: a short step with a handful of uploads would
    // otherwise hold no 12 MP photo one time and three the next, and its p99 would be luck.
    const share = photos.largeShare;
    const isLarge = large.length > 0 && Math.floor((made + 1) * share) > Math.floor(made * share);
    made += 1;
    const pool = isLarge ? large : small;
    return uniqueJpeg(pool[made % pool.length]!, randomUUID());
  };
}

/**
 * Upload → ready → post, through the SDK as an app would: `upload` is timed from when the
 * iteration was due until the media is ready (the server has made its derivatives), `post` from
 * the `posts.create` call until it answered.
 */
export async function uploadAndPost(
  ctx: ScenarioContext,
  client: ApertureClient,
  photo: Buffer,
  due: number,
): Promise<PostView> {
  const media = await client.media.upload(photo, { contentType: 'image/jpeg', filename: 'loadgen.jpg' });
  const ready = clock();
  ctx.recorder.latency('upload', ready - due, ready);
  const post = await client.posts.create({ mediaIds: [media.id], caption: 'loadgen' });
  const posted = clock();
  ctx.recorder.latency('post', posted - ready, posted);
  return post;
}

export function uploadScenario(ctx: ScenarioContext, users: UserPool): Scenario {
  const nextPhoto = photoSource(ctx.options.photos);
  return {
    primary: 'upload',
    iteration: async (due) => {
      await uploadAndPost(ctx, ctx.client(users.randomToken()), nextPhoto(), due);
    },
  };
}
