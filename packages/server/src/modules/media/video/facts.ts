import { AppError } from '../../../errors/app-error.js';
import type { GeoPoint } from '../types.js';
import type { VideoContainer } from './container.js';

/** What a probe learned about an accepted video. */
export interface VideoFacts {
  container: VideoContainer;
  durationMs: number;
  /** Upright frame size: the display matrix's rotation applied (a portrait phone clip is taller than wide). */
  width: number;
  height: number;
  /** Clockwise degrees the stored frames are turned for display. */
  rotation: 0 | 90 | 180 | 270;
  fps: number;
  videoCodec: string;
  /** Null when the file has no audio stream. */
  audioCodec: string | null;
  /** Recorded location (QuickTime ISO 6709 tag), kept or dropped later on the upload's `keepLocation`. */
  location: GeoPoint | null;
}

export interface VideoLimits {
  maxSeconds: number;
  maxLongSide: number;
}

/** The subset of `ffprobe -of json -show_format -show_streams` read here. */
export interface ProbeOutput {
  format?: { duration?: string; tags?: Record<string, string> };
  streams?: ProbeStream[];
}

export interface ProbeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  nb_frames?: string;
  duration?: string;
  disposition?: { attached_pic?: number };
  tags?: Record<string, string>;
  side_data_list?: { rotation?: number }[];
}

/** Codecs the renditions are decoded from. Others (and still-image codecs) are refused at upload. */
const VIDEO_CODECS = new Set(['h264', 'hevc', 'vp8', 'vp9', 'av1', 'mpeg4']);
const STILL_IMAGE_CODECS = new Set(['mjpeg', 'png', 'apng', 'bmp', 'gif', 'tiff', 'webp', 'jpeg2000', 'jpegls']);
const MAX_FPS = 240;

const rejected = (code: ConstructorParameters<typeof AppError>[0], message: string) => new AppError(code, message);

/**
 * Judges a probe: exactly one moving-picture stream of a known codec, a positive duration within
 * the limit, a frame no larger than the limit and a sane frame rate. `stderr` is ffprobe's: a
 * frame size ffmpeg itself refuses to allocate shows only there.
 */
export function judgeProbe(
  container: VideoContainer,
  probe: ProbeOutput,
  stderr: string,
  limits: VideoLimits,
): VideoFacts {
  const refused = /Picture size (\d+)x(\d+) is invalid/.exec(stderr);
  if (refused) {
    return tooLarge(Number(refused[1]), Number(refused[2]), limits);
  }
  const streams = probe.streams ?? [];
  // Cover art (an attached picture) is not the video.
  const pictures = streams.filter((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  const moving = pictures.filter((s) => !STILL_IMAGE_CODECS.has(s.codec_name ?? '') && s.nb_frames !== '1');
  if (moving.length === 0) {
    const why = pictures.length > 0 ? 'holds a still image, not a video' : 'has no video stream';
    throw rejected('VIDEO_NO_VIDEO_STREAM', `The file ${why}.`);
  }
  if (moving.length > 1) throw rejected('VIDEO_UNSUPPORTED', 'The file holds more than one video stream.');
  const video = moving[0]!;
  const codec = video.codec_name ?? 'unknown';
  if (!VIDEO_CODECS.has(codec)) throw rejected('VIDEO_UNSUPPORTED', `The video codec ${codec} is not accepted.`);

  const width = video.width ?? 0;
  const height = video.height ?? 0;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 2 || height < 2) {
    throw rejected('VIDEO_CORRUPT', 'The video has no readable frame size.');
  }
  if (Math.max(width, height) > limits.maxLongSide) return tooLarge(width, height, limits);

  const fps = rate(video.avg_frame_rate) ?? rate(video.r_frame_rate);
  if (fps === undefined || fps <= 0 || fps > MAX_FPS) {
    throw rejected('VIDEO_UNSUPPORTED', `The frame rate is not between 0 and ${MAX_FPS} frames a second.`);
  }

  const seconds = Number(probe.format?.duration ?? video.duration);
  if (!Number.isFinite(seconds) || seconds <= 0) throw rejected('VIDEO_CORRUPT', 'The video has no readable duration.');
  if (seconds > limits.maxSeconds) {
    throw rejected('VIDEO_TOO_LONG', `The video is longer than the ${limits.maxSeconds} s limit.`);
  }

  const rotation = rotationOf(video);
  const turned = rotation === 90 || rotation === 270;
  const audio = streams.find((s) => s.codec_type === 'audio');
  return {
    container,
    durationMs: Math.round(seconds * 1000),
    width: turned ? height : width,
    height: turned ? width : height,
    rotation,
    fps: Math.round(fps * 1000) / 1000,
    videoCodec: codec,
    audioCodec: audio ? (audio.codec_name ?? 'unknown') : null,
    location: locationOf(probe.format?.tags ?? {}),
  };
}

function tooLarge(width: number, height: number, limits: VideoLimits): never {
  throw rejected(
    'VIDEO_TOO_LARGE',
    `The video frame is ${width}×${height}; its long side may be at most ${limits.maxLongSide} pixels.`,
  );
}

/** `30000/1001` → 29.97; undefined for `0/0` and anything unreadable. */
function rate(text: string | undefined): number | undefined {
  const match = /^(\d+)\/(\d+)$/.exec(text ?? '');
  if (!match || Number(match[2]) === 0) return undefined;
  const value = Number(match[1]) / Number(match[2]);
  return value > 0 ? value : undefined;
}

/** ffprobe states the display matrix as counter-clockwise degrees (`-90` for a phone held upright). */
function rotationOf(stream: ProbeStream): VideoFacts['rotation'] {
  const degrees =
    stream.side_data_list?.find((d) => typeof d.rotation === 'number')?.rotation ?? -Number(stream.tags?.rotate ?? 0);
  const clockwise = (((Math.round(-degrees / 90) * 90) % 360) + 360) % 360;
  return clockwise as VideoFacts['rotation'];
}

/** QuickTime's ISO 6709 location, e.g. `+37.7749-122.4194+012.000/`. */
function locationOf(tags: Record<string, string>): GeoPoint | null {
  const text = tags['com.apple.quicktime.location.ISO6709'] ?? tags.location ?? '';
  const match = /^([+-]\d{1,2}(?:\.\d+)?)([+-]\d{1,3}(?:\.\d+)?)/.exec(text);
  if (!match) return null;
  const lat = Number(match[1]);
  const lng = Number(match[2]);
  if (Math.abs(lat) > 90 || Math.abs(lng) > 180) return null;
  return { lat, lng };
}
