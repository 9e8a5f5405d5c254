import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  audioOnlyMp4,
  fixtureFile,
  h264Mp4,
  HEVC_LOCATION,
  hevcMovRotated,
  hlsPlaylist,
  mp4Claiming30000Square,
  mp4WithoutMoov,
  pngFile,
  removeVideoFixtures,
  stillImageMov,
  truncatedMp4,
  vp9Webm,
} from '../../../../test/fixtures/videos.js';
import { AppError } from '../../../errors/app-error.js';
import type { VideoLimits } from './facts.js';
import { inputArgs } from './commands.js';
import { probeVideoFile } from './probe.js';
import { VideoTools } from './tools.js';

const LIMITS: VideoLimits = { maxSeconds: 900, maxLongSide: 4096 };

describe('probing video files with the bundled ffprobe and ffmpeg', () => {
  let cacheDir: string;
  let tools: VideoTools;
  let segments: Server;
  let requests = 0;
  let segmentUrl: string;

  beforeAll(async () => {
    cacheDir = await mkdtemp(path.join(tmpdir(), 'aperture-tools-'));
    tools = new VideoTools({ paths: { ffmpegPath: undefined, ffprobePath: undefined }, cacheDir });
    segments = createServer((_request, response) => {
      requests += 1;
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => segments.listen(0, '127.0.0.1', resolve));
    segmentUrl = `http://127.0.0.1:${(segments.address() as AddressInfo).port}/segment.ts`;
  });
  afterAll(async () => {
    await tools?.stop();
    await new Promise((resolve) => segments?.close(resolve));
    await removeVideoFixtures();
    await rm(cacheDir, { recursive: true, force: true });
  });

  const rejection = async (file: string, limits = LIMITS) => {
    try {
      await probeVideoFile(tools, file, limits);
    } catch (error) {
      if (error instanceof AppError) return error.code;
      throw error;
    }
    throw new Error(`${file} was accepted`);
  };

  it('reads an H.264 MP4 with a tone', async () => {
    expect(await probeVideoFile(tools, await h264Mp4(), LIMITS)).toEqual({
      container: 'mp4',
      durationMs: expect.closeTo(1000, -2),
      width: 64,
      height: 48,
      rotation: 0,
      fps: 10,
      videoCodec: 'h264',
      audioCodec: 'aac',
      location: null,
    });
  });

  it('turns the frame size of a MOV with a 90° display matrix upright and reads its location', async () => {
    const facts = await probeVideoFile(tools, await hevcMovRotated(), LIMITS);
    expect(facts).toMatchObject({ container: 'mp4', videoCodec: 'hevc', audioCodec: null, width: 96, height: 128 });
    expect([90, 270]).toContain(facts.rotation);
    expect(facts.location).toEqual(HEVC_LOCATION);
  });

  it('reads a VP9 WebM', async () => {
    expect(await probeVideoFile(tools, await vp9Webm(), LIMITS)).toMatchObject({
      container: 'matroska',
      videoCodec: 'vp9',
      width: 64,
      height: 48,
    });
  });

  it('refuses audio only, a still image, a PNG, a cut file, a file without index and a 30000×30000 claim', async () => {
    expect(await rejection(await audioOnlyMp4())).toBe('VIDEO_NO_VIDEO_STREAM');
    expect(await rejection(await stillImageMov())).toBe('VIDEO_NO_VIDEO_STREAM');
    expect(await rejection(await pngFile())).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(await rejection(await fixtureFile('cut.mp4', await truncatedMp4()))).toBe('VIDEO_CORRUPT');
    expect(await rejection(await fixtureFile('no-moov.mp4', await mp4WithoutMoov()))).toBe('VIDEO_CORRUPT');
    expect(await rejection(await fixtureFile('huge.mp4', await mp4Claiming30000Square()))).toBe('VIDEO_TOO_LARGE');
  });

  it('applies the duration and frame-size limits it is given', async () => {
    expect(await rejection(await h264Mp4(), { maxSeconds: 0.5, maxLongSide: 4096 })).toBe('VIDEO_TOO_LONG');
    expect(await rejection(await h264Mp4(), { maxSeconds: 900, maxLongSide: 32 })).toBe('VIDEO_TOO_LARGE');
  });

  it('never opens what an HLS playlist names, even when ffprobe is made to read it', async () => {
    const playlist = await fixtureFile('playlist.mp4', hlsPlaylist(segmentUrl));
    expect(await rejection(playlist)).toBe('UNSUPPORTED_MEDIA_TYPE');
    // Past the magic-byte check too: the named demuxer and the file-only whitelist open nothing else.
    for (const container of ['mp4', 'matroska'] as const) {
      const result = await tools.run(
        'ffprobe',
        ['-v', 'error', '-show_format', ...inputArgs(tools, container, playlist)],
        {
          timeoutMs: 30_000,
        },
      );
      expect(result.exitCode).not.toBe(0);
    }
    expect(await readFile(playlist, 'utf8')).toContain(segmentUrl);
    expect(requests).toBe(0);
  });
});
