import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { VideoSet } from './options.js';

export interface VideoOptions {
  /** Share of uploads that are videos (0–1). */
  share: number;
  /** Frame size (default 640×360) and length (default 2 s) of the clip. */
  width?: number;
  height?: number;
  seconds?: number;
  /** ffmpeg to use instead of the one bundled with the server (as its APERTURE_FFMPEG_PATH). */
  ffmpegPath?: string | undefined;
}

/**
 * Makes the run's video once, before the clock starts: an H.264/AAC MP4 with its index first (as
 * phones upload them), of a moving test pattern and a tone, made by the same bundled ffmpeg the
 * server verifies and transcodes with. The design notes model 150 MB videos; a short clip keeps
 * the run's own bandwidth small while the server still probes, verifies and transcodes a real
 * video for each upload (`aperture loadgen plan` shows the notes' video bandwidth apart).
 */
export async function generateVideo(dir: string, options: VideoOptions): Promise<VideoSet> {
  await mkdir(dir, { recursive: true });
  // Loaded here, not at the top: the worker threads import this package's scenarios, and need
  // none of the server.
  const { VideoTools } = await import('@aperture/server');
  const tools = new VideoTools({
    paths: { ffmpegPath: options.ffmpegPath, ffprobePath: undefined },
    cacheDir: join(dir, 'tools'),
  });
  const { width = 640, height = 360, seconds = 2 } = options;
  const path = join(dir, `clip-${width}x${height}-${seconds}s.mp4`);
  const result = await tools.run(
    'ffmpeg',
    [
      ...['-hide_banner', '-v', 'error', '-nostdin', '-y'],
      ...['-f', 'lavfi', '-i', `testsrc=size=${width}x${height}:rate=30`],
      ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100'],
      ...['-t', String(seconds), '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p'],
      ...['-c:a', 'aac', '-b:a', '64k', '-movflags', '+faststart', '-threads', '1', path],
    ],
    { timeoutMs: 60_000 },
  );
  await tools.stop();
  if (result.exitCode !== 0) {
    const why = result.timedOut ? 'timed out' : result.stderr.trim() || `exit code ${String(result.exitCode)}`;
    throw new Error(`could not make the run's test video with ffmpeg: ${why}`);
  }
  return { path, share: options.share };
}
