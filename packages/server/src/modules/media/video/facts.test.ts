import { describe, expect, it } from 'vitest';
import { AppError } from '../../../errors/app-error.js';
import { judgeProbe, type ProbeOutput, type ProbeStream } from './facts.js';
import { sniffVideoContainer } from './container.js';

const LIMITS = { maxSeconds: 900, maxLongSide: 4096 };
const video: ProbeStream = {
  codec_type: 'video',
  codec_name: 'h264',
  width: 1920,
  height: 1080,
  avg_frame_rate: '30000/1001',
};
const probe = (streams: ProbeStream[], duration = '12.5', tags: Record<string, string> = {}): ProbeOutput => ({
  format: { duration, tags },
  streams,
});
const codeOf = (output: ProbeOutput, stderr = '') => {
  try {
    judgeProbe('mp4', output, stderr, LIMITS);
    return 'accepted';
  } catch (error) {
    return error instanceof AppError ? error.code : String(error);
  }
};

describe('judging what ffprobe read', () => {
  it('keeps the facts of a landscape clip with sound', () => {
    const facts = judgeProbe('mp4', probe([video, { codec_type: 'audio', codec_name: 'aac' }]), '', LIMITS);
    expect(facts).toEqual({
      container: 'mp4',
      durationMs: 12_500,
      width: 1920,
      height: 1080,
      rotation: 0,
      fps: 29.97,
      videoCodec: 'h264',
      audioCodec: 'aac',
      location: null,
    });
  });

  it('turns a phone clip upright, from the display matrix or the older rotate tag', () => {
    const matrix = judgeProbe('mp4', probe([{ ...video, side_data_list: [{ rotation: -90 }] }]), '', LIMITS);
    expect(matrix).toMatchObject({ width: 1080, height: 1920, rotation: 90 });
    const tag = judgeProbe('mp4', probe([{ ...video, tags: { rotate: '270' } }]), '', LIMITS);
    expect(tag).toMatchObject({ width: 1080, height: 1920, rotation: 270 });
  });

  it('reads a QuickTime location and ignores one out of range', () => {
    const at = (location: string) => judgeProbe('mp4', probe([video], '1', { location }), '', LIMITS).location;
    expect(at('+48.8584+002.2945+035.000/')).toEqual({ lat: 48.8584, lng: 2.2945 });
    expect(at('+98.0+200.0/')).toBeNull();
  });

  it('does not count cover art as the video', () => {
    expect(codeOf(probe([{ ...video, codec_name: 'png', disposition: { attached_pic: 1 } }]))).toBe(
      'VIDEO_NO_VIDEO_STREAM',
    );
    expect(codeOf(probe([video, { ...video, codec_name: 'mjpeg', disposition: { attached_pic: 1 } }]))).toBe(
      'accepted',
    );
  });

  it('refuses two video streams, unknown codecs, odd frame rates, no duration and a too long clip', () => {
    expect(codeOf(probe([video, video]))).toBe('VIDEO_UNSUPPORTED');
    expect(codeOf(probe([{ ...video, codec_name: 'prores' }]))).toBe('VIDEO_UNSUPPORTED');
    expect(codeOf(probe([{ ...video, avg_frame_rate: '0/0', r_frame_rate: '0/0' }]))).toBe('VIDEO_UNSUPPORTED');
    expect(codeOf(probe([{ ...video, avg_frame_rate: '1000/1' }]))).toBe('VIDEO_UNSUPPORTED');
    expect(codeOf(probe([{ ...video, width: 0 }]))).toBe('VIDEO_CORRUPT');
    expect(codeOf(probe([video], 'N/A'))).toBe('VIDEO_CORRUPT');
    expect(codeOf(probe([video], '900.5'))).toBe('VIDEO_TOO_LONG');
    expect(codeOf(probe([{ ...video, width: 4097 }]))).toBe('VIDEO_TOO_LARGE');
    expect(codeOf(probe([video]), '[h264] Picture size 30000x30000 is invalid')).toBe('VIDEO_TOO_LARGE');
  });
});

describe('telling video containers by their first bytes', () => {
  const box = (brand: string) => Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from(`ftyp${brand}`, 'latin1')]);
  it('knows MP4, MOV and Matroska/WebM, and not HEIF images or anything else', () => {
    expect(sniffVideoContainer(box('isom'))).toBe('mp4');
    expect(sniffVideoContainer(box('qt  '))).toBe('mp4');
    expect(sniffVideoContainer(Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x01]))).toBe('matroska');
    expect(sniffVideoContainer(box('heic'))).toBeNull();
    expect(sniffVideoContainer(box('avif'))).toBeNull();
    expect(sniffVideoContainer(Buffer.from('#EXTM3U\n'))).toBeNull();
    expect(sniffVideoContainer(Buffer.from('ffconcat version 1.0\n'))).toBeNull();
  });
});
