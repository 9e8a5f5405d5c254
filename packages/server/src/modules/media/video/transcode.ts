import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../../errors/app-error.js';
import type { VideoFacts } from './facts.js';
import type { VideoContainer } from './container.js';
import { inputArgs } from './probe.js';
import type { RunResult, VideoTools } from './tools.js';

/** The renditions every ready video has, by their short side. Never enlarged past the original. */
export const RENDITIONS = [
  { name: '720.mp4', shortSide: 720, maxrate: '2500k', bufsize: '5000k', audio: '128k' },
  { name: '360.mp4', shortSide: 360, maxrate: '800k', bufsize: '1600k', audio: '96k' },
] as const;
export type RenditionName = (typeof RENDITIONS)[number]['name'];

export interface Rendition {
  name: RenditionName;
  width: number;
  height: number;
  file: string;
}

/** Per second of video, the wall-clock a transcode may take, and a floor for short clips. */
const SECONDS_PER_VIDEO_SECOND = 20;
const MIN_TIMEOUT_MS = 120_000;

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

/** Upright output size whose short side is `shortSide`, or the original's when that is smaller. */
export function renditionSize(facts: Pick<VideoFacts, 'width' | 'height'>, shortSide: number) {
  const portrait = facts.height > facts.width;
  const short = Math.min(facts.width, facts.height);
  const target = Math.min(shortSide, short);
  const long = (Math.max(facts.width, facts.height) * target) / short;
  return portrait ? { width: even(target), height: even(long) } : { width: even(long), height: even(target) };
}

function assertRan(result: RunResult, what: string): void {
  if (result.stopped) throw new AppError('VIDEO_TOOLS_UNAVAILABLE', 'The server stopped during the transcode.');
  if (result.timedOut) throw new Error(`${what} timed out`);
  if (result.exitCode !== 0) throw new Error(`${what} failed: ${result.stderr.trim().split('\n').at(-1) ?? ''}`);
}

/**
 * Both renditions in one ffmpeg run: H.264 High, yuv420p, CRF under a maxrate cap, AAC, MP4 with the
 * index first (+faststart) so playback starts before the download ends. ffmpeg's autorotate turns
 * the frames upright (a portrait clip stays portrait, with no display matrix left to apply);
 * `-map_metadata -1` and no chapters drop every container tag, the QuickTime location among them.
 * `onProgress` hears 0–100 as ffmpeg reports its position (`-progress pipe:1`).
 */
export async function transcodeRenditions(
  tools: VideoTools,
  source: { file: string; container: VideoContainer; facts: VideoFacts },
  outDir: string,
  onProgress: (percent: number) => void,
): Promise<Rendition[]> {
  const renditions = RENDITIONS.map((r) => ({
    ...r,
    ...renditionSize(source.facts, r.shortSide),
    file: path.join(outDir, r.name),
  }));
  const outputs = renditions.flatMap((r) => [
    ...['-map', '0:v:0', '-map', '0:a:0?', '-map_metadata', '-1', '-map_chapters', '-1'],
    ...['-vf', `scale=${r.width}:${r.height}:flags=bicubic,format=yuv420p`],
    ...['-c:v', 'libx264', '-profile:v', 'high', '-preset', 'veryfast', '-crf', '23'],
    ...['-maxrate', r.maxrate, '-bufsize', r.bufsize, '-threads', String(tools.threads)],
    ...['-c:a', 'aac', '-b:a', r.audio, '-ac', '2', '-movflags', '+faststart', '-f', 'mp4', `file:${r.file}`],
  ]);
  const durationUs = source.facts.durationMs * 1000;
  let reported = -1;
  const result = await tools.run(
    'ffmpeg',
    [
      ...['-hide_banner', '-nostdin', '-v', 'error', '-nostats', '-filter_threads', String(tools.threads)],
      ...inputArgs(tools, source.container, source.file),
      ...['-progress', 'pipe:1', '-y'],
      ...outputs,
    ],
    {
      timeoutMs: Math.max(MIN_TIMEOUT_MS, (source.facts.durationMs / 1000) * SECONDS_PER_VIDEO_SECOND * 1000),
      onStdout: (chunk) => {
        // `out_time_ms` is in microseconds, despite its name (ffmpeg's own quirk).
        for (const match of chunk.matchAll(/out_time_(?:us|ms)=(\d+)/g)) {
          const percent = Math.min(99, Math.floor((Number(match[1]) / durationUs) * 100));
          if (percent > reported) {
            reported = percent;
            onProgress(percent);
          }
        }
      },
    },
  );
  assertRan(result, 'transcode');
  return renditions.map(({ name, width, height, file }) => ({ name, width, height, file }));
}

/**
 * A representative frame as PNG: ffmpeg's `thumbnail` filter picks, among the first frames, the one
 * closest to their average, so a fade-in from black does not become the poster.
 */
export async function posterFrame(
  tools: VideoTools,
  source: { file: string; container: VideoContainer; facts: VideoFacts },
  outDir: string,
): Promise<Buffer> {
  const file = path.join(outDir, 'poster.png');
  const frames = Math.max(2, Math.min(100, Math.floor((source.facts.durationMs / 1000) * source.facts.fps)));
  const result = await tools.run(
    'ffmpeg',
    [
      ...['-hide_banner', '-nostdin', '-v', 'error'],
      ...inputArgs(tools, source.container, source.file),
      ...['-map', '0:v:0', '-map_metadata', '-1', '-vf', `thumbnail=${frames}`, '-frames:v', '1'],
      ...['-threads', String(tools.threads), '-f', 'image2', '-c:v', 'png', '-y', `file:${file}`],
    ],
    { timeoutMs: MIN_TIMEOUT_MS },
  );
  assertRan(result, 'poster');
  return readFile(file);
}
