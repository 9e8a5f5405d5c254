import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { PostView } from '@aperture/sdk';
import { clock } from '../engine/clock.js';
import { TAGS } from '../seed/rows.js';
import { uniqueJpeg } from './photos.js';
import { uniqueMp4 } from './unique-mp4.js';
import type { PhotoSet, VideoSet } from './options.js';
import type { Scenario, ScenarioContext } from './types.js';
import type { UserPool } from './users.js';

/** One thing to upload: unique bytes, so the server does the work instead of recognising a copy. */
export interface UploadItem {
  kind: 'photo' | 'video';
  bytes: Buffer;
}

/**
 * Whether upload `made` (0-based) of a worker is one of the `share`: an exact share rather than a
 * coin flip, so that a short step with a handful of uploads does not hold none one time and three
 * the next, and its p99 is not luck. Rounded, so the first one comes half a period in (at 1/6, the
 * 3rd upload, then every 6th): a step of a few uploads holds one already.
 */
const takesShare = (made: number, share: number) => Math.round((made + 1) * share) > Math.round(made * share);

/** Source photos read once per worker; each upload then sends a unique copy. */
export function photoSource(photos: PhotoSet | undefined): () => Buffer {
  if (!photos || photos.small.length === 0) throw new Error('the upload scenarios need generated photos');
  const small = photos.small.map((path) => readFileSync(path));
  const large = photos.large.map((path) => readFileSync(path));
  let made = 0;
  return () => {
    const isLarge = large.length > 0 && takesShare(made, photos.largeShare);
    made += 1;
    const pool = isLarge ? large : small;
    return uniqueJpeg(pool[made % pool.length]!, randomUUID());
  };
}

/** Photos, and videos as `videos.share` of the uploads (in an exact proportion, as above). */
export function mediaSource(photos: PhotoSet | undefined, videos: VideoSet | undefined): () => UploadItem {
  const nextPhoto = photoSource(photos);
  const video = videos && videos.share > 0 ? readFileSync(videos.path) : undefined;
  let made = 0;
  return () => {
    const isVideo = video !== undefined && takesShare(made, videos!.share);
    made += 1;
    return isVideo ? { kind: 'video', bytes: uniqueMp4(video, randomUUID()) } : { kind: 'photo', bytes: nextPhoto() };
  };
}

/**
 * Hashtags the server keeps per post (more are ignored, not written); `TAGS` holds as many. The
 * server's `MAX_TAGS_PER_POST`, copied because worker threads must not load the server to read it:
 * `upload.test.ts` holds the two equal.
 */
export const MAX_HASHTAGS_PER_POST = 30;

/** `hashtags` when it is a count of hashtags a post can carry; a RangeError otherwise. */
export function checkHashtagsPerPost(hashtags: number): number {
  if (!Number.isInteger(hashtags) || hashtags < 0 || hashtags > MAX_HASHTAGS_PER_POST) {
    throw new RangeError(`expected a whole number from 0 to ${MAX_HASHTAGS_PER_POST}`);
  }
  return hashtags;
}

/**
 * A post's caption with `hashtags` distinct hashtags from the seeded datasets' vocabulary (`TAGS`,
 * so the posts join tags that already have pages), each post its own random choice.
 */
export function captionWith(hashtags: number): string {
  const pool = [...TAGS];
  const picked = Array.from(
    { length: checkHashtagsPerPost(hashtags) },
    () => pool.splice(Math.floor(Math.random() * pool.length), 1)[0]!,
  );
  return ['loadgen', ...picked.map((tag) => `#${tag}`)].join(' ');
}

/**
 * Upload → ready → post, through the SDK as an app would. A photo's `upload` is timed from when the
 * iteration was due until the media is ready (the server has made its derivatives). A video is
 * reported apart, as `video` (due → ready: verified and transcoded) and `video_accepted` (due → the
 * server accepted the completed upload, having probed it), since transcoding takes far longer than
 * a photo's resize. `post` is timed from the `posts.create` call until it answered.
 */
export async function uploadAndPost(
  ctx: ScenarioContext,
  token: string,
  item: UploadItem,
  due: number,
): Promise<PostView> {
  let acceptedAt: number | undefined;
  const client =
    item.kind === 'video'
      ? ctx.client(token, (url) => {
          if (url.includes('media.completeUpload')) acceptedAt ??= clock();
        })
      : ctx.client(token);
  const media = await ctx.recorder.timed(item.kind === 'video' ? 'video' : 'upload', due, () =>
    item.kind === 'video'
      ? client.media.upload(item.bytes, { contentType: 'video/mp4', filename: 'loadgen.mp4' })
      : client.media.upload(item.bytes, { contentType: 'image/jpeg', filename: 'loadgen.jpg' }),
  );
  if (acceptedAt !== undefined) ctx.recorder.latency('video_accepted', acceptedAt - due, acceptedAt);
  const ready = clock();
  const caption = captionWith(ctx.options.hashtagsPerPost ?? 0);
  return ctx.recorder.timed('post', ready, () => client.posts.create({ mediaIds: [media.id], caption }));
}

export function uploadScenario(ctx: ScenarioContext, users: UserPool): Scenario {
  const next = mediaSource(ctx.options.photos, ctx.options.videos);
  return {
    primary: 'upload',
    iteration: async (due) => {
      await uploadAndPost(ctx, users.randomToken(), next(), due);
    },
  };
}
