// A post that mixes a photo and a video: upload a clip, following it through transcoding, then
// publish it after a photo as one carousel and print what each item is — for the video, its
// length and the URLs of its MP4 renditions.
//
//   npm run example:video-post              # a 3-second test clip made with the bundled ffmpeg
//   npm run example:video-post -- clip.mp4  # your own MP4, MOV, WebM or Matroska file
//
// Uses the server at APERTURE_SERVER; without it, starts a throwaway one (and stops it after).
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { ApertureError, createClient, type PostMediaView, type UploadProgress } from '@aperture/sdk';

async function main(url: string, clip: string): Promise<void> {
  const client = createClient({ url });
  // A fresh name each run, so the example can run again against the same server.
  const username = `vid_${Date.now().toString(36).slice(-6)}`;
  await client.auth.register({ username, email: `${username}@example.com`, password: 'example-password-1' });
  console.log(`Registered ${username}.`);

  const video = await client.media.upload(clip, { onProgress: progressPrinter('clip') });
  // `kind` narrows the view: only a video has a length and renditions.
  if (video.kind !== 'video') throw new Error(`${clip} is not a video`);
  console.log(`Video ${video.id}: ${seconds(video.durationMs)}, ${video.width}×${video.height}, ready.`);

  const photo = await client.media.upload(await harbourPhoto(), { onProgress: progressPrinter('photo') });
  const post = await client.posts.create({
    mediaIds: [photo.id, video.id],
    caption: 'Harbour, then the waves #sea',
  });
  console.log(`\nPosted ${post.id} with ${post.media.length} items:`);
  post.media.forEach((item, i) => describe(item, i + 1));
}

/** One line per item of the carousel, and for a video one per rendition. */
function describe(item: PostMediaView, position: number): void {
  if (item.kind === 'video') {
    console.log(`  ${position}. video, ${seconds(item.durationMs)}, poster ${item.urls.w640?.jpg ?? '(none)'}`);
    for (const [quality, mp4] of Object.entries(item.renditions)) console.log(`     ${quality}: ${mp4}`);
  } else {
    console.log(`  ${position}. photo ${item.width}×${item.height}: ${item.urls.w640?.webp ?? '(no URL)'}`);
  }
}

/** Prints each phase once, and the server's percentage each time it moves while it transcodes. */
function progressPrinter(name: string): (progress: UploadProgress) => void {
  let last = '';
  return ({ phase, sentBytes, totalBytes, processedPercent }) => {
    const line =
      phase === 'processing' && processedPercent !== null
        ? `${name}: processing ${processedPercent}%`
        : phase === 'uploading'
          ? `${name}: uploading ${totalBytes} bytes`
          : `${name}: ${phase}${phase === 'done' ? ` (${sentBytes} bytes sent)` : ''}`;
    if (line !== last) console.log(line);
    last = line;
  };
}

const seconds = (ms: number | null) => (ms === null ? 'length unknown' : `${(ms / 1000).toFixed(1)} s`);

/** A 640×480 JPEG: a blue harbour under a pale sky. */
function harbourPhoto(): Promise<Buffer> {
  const sky = { width: 640, height: 200, channels: 3, background: { r: 220, g: 230, b: 245 } } as const;
  return sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 20, g: 70, b: 140 } } })
    .composite([{ input: { create: sky }, top: 0, left: 0 }])
    .jpeg()
    .toBuffer();
}

/**
 * A 3-second 640×360 test pattern with a tone, made with the ffmpeg the server bundles (the
 * server's own dependency), into a temp folder the caller removes.
 */
async function testClip(folder: string): Promise<string> {
  const { path: ffmpeg } = createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string };
  const file = join(folder, 'waves.mp4');
  await promisify(execFile)(ffmpeg, [
    ...['-v', 'error', '-nostdin', '-y'],
    ...['-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=330'],
    ...['-t', '3', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', file],
  ]);
  return file;
}

const configured = process.env['APERTURE_SERVER'];
// Imported only when needed: code that talks to a running server needs just the SDK.
const ephemeral = configured ? undefined : await (await import('@aperture/server')).startEphemeralServer();
const url = configured ?? ephemeral!.url;
console.log(`Server: ${url}${ephemeral ? ' (a throwaway one, stopped at the end)' : ''}\n`);
const folder = await mkdtemp(join(tmpdir(), 'aperture-video-example-'));
try {
  await main(url, process.argv[2] ?? (await testClip(folder)));
} catch (error) {
  if (!(error instanceof ApertureError)) throw error;
  console.error(`${error.message} (${error.code})`);
  process.exitCode = 1;
} finally {
  await rm(folder, { recursive: true, force: true });
  await ephemeral?.stop();
}
