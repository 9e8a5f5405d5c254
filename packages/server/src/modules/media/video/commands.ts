/**
 * The ffprobe and ffmpeg command lines the server runs, built in one place: the probe at upload,
 * the decode check, the poster and the renditions. They are plain argument arrays (never a shell
 * line), and the video benchmark runs these very arrays as its raw baseline, so what it compares
 * is the server's own work.
 */
import path from 'node:path';
import { DEMUXER, type VideoContainer } from './container.js';
import type { ProbeOutput, VideoFacts } from './facts.js';

/** What a command needs of the tools: threads per child (`-threads`). */
export interface ThreadCap {
  threads: number;
}

/** A local video the server wrote, with what its probe learned. */
export interface VideoSource {
  file: string;
  container: VideoContainer;
  facts: VideoFacts;
}

/** The renditions every ready video has, by their short side. Never enlarged past the original. */
export const RENDITIONS = [
  { name: '720.mp4', shortSide: 720, maxrate: '2500k', bufsize: '5000k', audio: '128k' },
  { name: '360.mp4', shortSide: 360, maxrate: '800k', bufsize: '1600k', audio: '96k' },
] as const;
export type RenditionName = (typeof RENDITIONS)[number]['name'];

export interface RenditionPlan {
  name: RenditionName;
  width: number;
  height: number;
  file: string;
}

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

/** Upright output size whose short side is `shortSide`, or the original's when that is smaller. */
export function renditionSize(facts: Pick<VideoFacts, 'width' | 'height'>, shortSide: number) {
  const portrait = facts.height > facts.width;
  const short = Math.min(facts.width, facts.height);
  const target = Math.min(shortSide, short);
  const long = (Math.max(facts.width, facts.height) * target) / short;
  return portrait ? { width: even(target), height: even(long) } : { width: even(long), height: even(target) };
}

/**
 * Input options every child gets before `-i`: local files only (a playlist or a data reference
 * naming a URL opens nothing), the demuxer the magic bytes chose, and the thread cap. `before`
 * goes just ahead of `-i` (an input seek or length). Ends with `-i file:…`.
 */
export function inputArgs(tools: ThreadCap, container: VideoContainer, file: string, before: string[] = []): string[] {
  return [
    ...['-protocol_whitelist', 'file', '-threads', String(tools.threads), '-f', DEMUXER[container]],
    ...before,
    ...['-i', `file:${file}`],
  ];
}

/** ffprobe: streams and format as JSON. `-i` comes last among the arguments naming the input. */
export function probeArgs(tools: ThreadCap, container: VideoContainer, file: string): string[] {
  return [
    ...['-hide_banner', '-v', 'error', '-show_format', '-show_streams', '-of', 'json'],
    ...inputArgs(tools, container, file),
  ];
}

/** ffmpeg: decodes one frame at `seconds` and prints its checksum line (`framecrc`). */
export function decodeCheckArgs(tools: ThreadCap, container: VideoContainer, file: string, seconds: number): string[] {
  return [
    ...['-hide_banner', '-nostdin', '-v', 'error'],
    ...inputArgs(tools, container, file, ['-ss', seconds.toFixed(3)]),
    ...['-map', '0:v:0', '-frames:v', '1', '-f', 'framecrc', '-'],
  ];
}

/**
 * Where the decode check looks: two frames, or up to a second, before the video's end — the video
 * stream's own end when the container states it (an audio track may run longer).
 */
export function decodeCheckSeconds(probe: ProbeOutput, facts: Pick<VideoFacts, 'durationMs' | 'fps'>): number {
  const video = probe.streams?.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  const videoSeconds = Number(video?.duration);
  const seconds = Number.isFinite(videoSeconds) && videoSeconds > 0 ? videoSeconds : facts.durationMs / 1000;
  return Math.max(0, seconds - Math.max(2 / facts.fps, Math.min(1, seconds / 10)));
}

/**
 * Both renditions in one ffmpeg run: H.264 High, yuv420p, CRF under a maxrate cap, AAC, MP4 with the
 * index first (+faststart) so playback starts before the download ends. ffmpeg's autorotate turns
 * the frames upright (a portrait clip stays portrait, with no display matrix left to apply);
 * `-map_metadata -1` and no chapters drop every container tag, the QuickTime location among them.
 * Progress goes to standard output (`-progress pipe:1`).
 */
export function transcodeArgs(
  tools: ThreadCap,
  source: VideoSource,
  outDir: string,
  only: readonly RenditionName[] = RENDITIONS.map((r) => r.name),
): { args: string[]; renditions: RenditionPlan[] } {
  const chosen = RENDITIONS.filter((r) => only.includes(r.name)).map((r) => ({
    ...r,
    ...renditionSize(source.facts, r.shortSide),
    file: path.join(outDir, r.name),
  }));
  const outputs = chosen.flatMap((r) => [
    ...['-map', '0:v:0', '-map', '0:a:0?', '-map_metadata', '-1', '-map_chapters', '-1'],
    ...['-vf', `scale=${r.width}:${r.height}:flags=bicubic,format=yuv420p`],
    ...['-c:v', 'libx264', '-profile:v', 'high', '-preset', 'veryfast', '-crf', '23'],
    ...['-maxrate', r.maxrate, '-bufsize', r.bufsize, '-threads', String(tools.threads)],
    ...['-c:a', 'aac', '-b:a', r.audio, '-ac', '2', '-movflags', '+faststart', '-f', 'mp4', `file:${r.file}`],
  ]);
  const args = [
    ...['-hide_banner', '-nostdin', '-v', 'error', '-nostats', '-filter_threads', String(tools.threads)],
    ...inputArgs(tools, source.container, source.file),
    ...['-progress', 'pipe:1', '-y'],
    ...outputs,
  ];
  return { args, renditions: chosen.map(({ name, width, height, file }) => ({ name, width, height, file })) };
}

/** How far into the video the poster is looked for. */
export const POSTER_SEARCH_SECONDS = 10;
/**
 * A frame with at least this share of its pixels dark (luma below 32 of 255) is no poster: a
 * black leader, a fade from black, a lens cap.
 */
const DARK_PERCENT = 95;

/**
 * A representative frame as PNG at `file`. ffmpeg's `thumbnail` filter picks, among a batch of
 * frames, the one whose colours are closest to the batch's average. With `skipDark`, frames that
 * are almost all dark are dropped before the batch is formed (`blackframe` measures each one), so a
 * black first second cannot become the poster even when it is half the clip; the search stops
 * `POSTER_SEARCH_SECONDS` in. A clip that is dark throughout writes no frame then: the caller asks
 * again without `skipDark`.
 */
export function posterArgs(tools: ThreadCap, source: VideoSource, file: string, skipDark: boolean): string[] {
  const frames = Math.max(2, Math.min(100, Math.floor((source.facts.durationMs / 1000) * source.facts.fps)));
  const filters = [
    ...(skipDark
      ? [
          // amount=0 tags every frame with its dark share; `metadata` keeps the frames under the limit.
          'blackframe=amount=0:threshold=32',
          `metadata=mode=select:key=lavfi.blackframe.pblack:value=${DARK_PERCENT}:function=less`,
        ]
      : []),
    `thumbnail=${frames}`,
  ];
  return [
    ...['-hide_banner', '-nostdin', '-v', 'error'],
    ...inputArgs(tools, source.container, source.file, ['-t', String(POSTER_SEARCH_SECONDS)]),
    ...['-map', '0:v:0', '-map_metadata', '-1', '-vf', filters.join(','), '-frames:v', '1'],
    ...['-threads', String(tools.threads), '-f', 'image2', '-c:v', 'png', '-y', `file:${file}`],
  ];
}
