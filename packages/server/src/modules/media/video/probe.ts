import { open } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../../errors/app-error.js';
import type { BlobStore } from '../../../storage/blob-store.js';
import { decodeCheckArgs, decodeCheckSeconds, probeArgs } from './commands.js';
import { sniffVideoContainer, type VideoContainer } from './container.js';
import { judgeProbe, type ProbeOutput, type VideoFacts, type VideoLimits } from './facts.js';
import { inScratchFolder, type VideoScratch } from './scratch.js';
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
 * Reads a video the server wrote to a local file: ffprobe for its streams and duration, then one
 * frame decoded near the end, which a truncated file (its index promising frames whose bytes never
 * arrived) cannot give. Throws the AppError of the first rule the file breaks. `decodeCheck: false`
 * skips the decode, for a kept original that passed it when its upload completed: the decode runs
 * from the last keyframe, often most of a short clip, so it costs the transcode a second pass.
 */
export async function probeVideoFile(
  tools: VideoTools,
  file: string,
  limits: VideoLimits,
  options: { decodeCheck: boolean } = { decodeCheck: true },
): Promise<VideoFacts> {
  const handle = await open(file, 'r');
  const head = Buffer.alloc(64);
  try {
    await handle.read(head, 0, head.length, 0);
  } finally {
    await handle.close();
  }
  const container = sniffVideoContainer(head);
  if (!container) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'This file is not an MP4, MOV, WebM or Matroska video.');

  const probed = await tools.run('ffprobe', probeArgs(tools, container, file), { timeoutMs: PROBE_TIMEOUT_MS });
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
  // Near the end: a frame the cut-off half of a file would hold.
  if (options.decodeCheck) await assertDecodesAt(tools, container, file, decodeCheckSeconds(output, facts));
  return facts;
}

async function assertDecodesAt(tools: VideoTools, container: VideoContainer, file: string, at: number): Promise<void> {
  const decoded = await tools.run('ffmpeg', decodeCheckArgs(tools, container, file, at), {
    timeoutMs: DECODE_TIMEOUT_MS,
  });
  assertNotStopped(decoded);
  const frames = decoded.stdout.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length;
  if (decoded.timedOut || decoded.exitCode !== 0 || frames === 0) {
    throw new AppError('VIDEO_CORRUPT', 'The video is truncated or damaged: its last frames cannot be decoded.');
  }
}

/**
 * Copies a stored video of `size` bytes to a private scratch folder, probes it there and removes
 * the copy: ffmpeg only ever reads a local file the server wrote, never a URL of the store. A copy
 * the scratch volume has no room for above its floor is refused with StorageFullError.
 */
export async function probeStoredVideo(
  deps: { tools: VideoTools; blobs: BlobStore; scratch: VideoScratch },
  stored: { key: string; size: number },
  limits: VideoLimits,
): Promise<VideoFacts> {
  const { tools, blobs } = deps;
  await tools.check();
  return inScratchFolder(deps.scratch, stored.size, async (dir) => {
    const file = path.join(dir, 'original');
    const { body } = await blobs.get(stored.key);
    await pipeline(body, createWriteStream(file, { mode: 0o600 }));
    return probeVideoFile(tools, file, limits);
  });
}
