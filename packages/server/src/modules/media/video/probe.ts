import { mkdtemp, open, rm } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../../errors/app-error.js';
import type { BlobStore } from '../../../storage/blob-store.js';
import { DEMUXER, sniffVideoContainer, type VideoContainer } from './container.js';
import { judgeProbe, type ProbeOutput, type VideoFacts, type VideoLimits } from './facts.js';
import type { RunResult, VideoTools } from './tools.js';

const PROBE_TIMEOUT_MS = 30_000;
const DECODE_TIMEOUT_MS = 60_000;

/**
 * A child ended by the server's stop, or killed from outside (the OOM killer): not the file's
 * fault, so nothing is marked failed for it.
 */
function assertNotStopped(result: RunResult): void {
  if (result.stopped) {
    throw new AppError(
      'VIDEO_TOOLS_UNAVAILABLE',
      'The server stopped while reading the video; complete the upload again.',
    );
  }
  if (result.exitCode === null && !result.timedOut) throw new Error('ffmpeg or ffprobe was killed');
}
/**
 * Input options every child gets before `-i`: local files only (a playlist or a data reference
 * naming a URL opens nothing), the demuxer the magic bytes chose, and the thread cap.
 */
export function inputArgs(tools: VideoTools, container: VideoContainer, file: string): string[] {
  return [
    '-protocol_whitelist',
    'file',
    '-threads',
    String(tools.threads),
    '-f',
    DEMUXER[container],
    '-i',
    `file:${file}`,
  ];
}

/**
 * Reads a video the server wrote to a local file: ffprobe for its streams and duration, then one
 * frame decoded near the end, which a truncated file (its index promising frames whose bytes never
 * arrived) cannot give. Throws the AppError of the first rule the file breaks.
 */
export async function probeVideoFile(tools: VideoTools, file: string, limits: VideoLimits): Promise<VideoFacts> {
  const handle = await open(file, 'r');
  const head = Buffer.alloc(64);
  try {
    await handle.read(head, 0, head.length, 0);
  } finally {
    await handle.close();
  }
  const container = sniffVideoContainer(head);
  if (!container) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'This file is not an MP4, MOV, WebM or Matroska video.');

  // -i must come last among ffprobe's arguments that name the input: inputArgs ends with it.
  const probed = await tools.run(
    'ffprobe',
    [
      '-hide_banner',
      '-v',
      'error',
      '-show_format',
      '-show_streams',
      '-of',
      'json',
      ...inputArgs(tools, container, file),
    ],
    { timeoutMs: PROBE_TIMEOUT_MS },
  );
  assertNotStopped(probed);
  if (probed.timedOut) throw new AppError('VIDEO_CORRUPT', 'The video could not be read in time.');
  let output: ProbeOutput;
  try {
    output = JSON.parse(probed.stdout) as ProbeOutput;
  } catch {
    output = {};
  }
  if (probed.exitCode !== 0 || !output.format) {
    throw new AppError('VIDEO_CORRUPT', 'The video is damaged or incomplete and cannot be read.');
  }
  const facts = judgeProbe(container, output, probed.stderr, limits);
  // The video stream's own end when the container states it (an audio track may run longer).
  const video = output.streams?.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  const videoSeconds = Number(video?.duration);
  const seconds = Number.isFinite(videoSeconds) && videoSeconds > 0 ? videoSeconds : facts.durationMs / 1000;
  // Two frames, or up to a second, before the end: a frame the cut-off half of a file would hold.
  const seek = Math.max(0, seconds - Math.max(2 / facts.fps, Math.min(1, seconds / 10)));
  await assertDecodesAt(tools, container, file, seek);
  return facts;
}

async function assertDecodesAt(tools: VideoTools, container: VideoContainer, file: string, at: number): Promise<void> {
  const seek = at.toFixed(3);
  const input = inputArgs(tools, container, file);
  const decoded = await tools.run(
    'ffmpeg',
    [
      ...['-hide_banner', '-nostdin', '-v', 'error'],
      ...input.slice(0, -2),
      ...['-ss', seek, ...input.slice(-2)],
      ...['-map', '0:v:0', '-frames:v', '1', '-f', 'framecrc', '-'],
    ],
    { timeoutMs: DECODE_TIMEOUT_MS },
  );
  assertNotStopped(decoded);
  const frames = decoded.stdout.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length;
  if (decoded.timedOut || decoded.exitCode !== 0 || frames === 0) {
    throw new AppError('VIDEO_CORRUPT', 'The video is truncated or damaged: its last frames cannot be decoded.');
  }
}

/**
 * Copies a stored video to a private temp folder, probes it there and removes the copy: ffmpeg
 * only ever reads a local file the server wrote, never a URL of the store.
 */
export async function probeStoredVideo(
  tools: VideoTools,
  blobs: BlobStore,
  key: string,
  limits: VideoLimits,
): Promise<VideoFacts> {
  await tools.check();
  const dir = await mkdtemp(path.join(tmpdir(), 'aperture-video-'));
  try {
    const file = path.join(dir, 'original');
    const { body } = await blobs.get(key);
    await pipeline(body, createWriteStream(file, { mode: 0o600 }));
    return await probeVideoFile(tools, file, limits);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
