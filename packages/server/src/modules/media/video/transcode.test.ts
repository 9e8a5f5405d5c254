import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { h264Mp4Vga, removeVideoFixtures } from '../../../../test/fixtures/videos.js';
import { probeVideoFile } from './probe.js';
import { VideoTools } from './tools.js';
import { posterFrame, renditionSize, transcodeRenditions } from './transcode.js';

describe('rendition sizes', () => {
  it('puts the short side at the target, keeps the shape and even sizes, and never enlarges', () => {
    expect(renditionSize({ width: 1920, height: 1080 }, 720)).toEqual({ width: 1280, height: 720 });
    expect(renditionSize({ width: 1080, height: 1920 }, 360)).toEqual({ width: 360, height: 640 });
    expect(renditionSize({ width: 640, height: 480 }, 720)).toEqual({ width: 640, height: 480 });
    expect(renditionSize({ width: 101, height: 75 }, 360)).toEqual({ width: 102, height: 76 });
  });
});

describe('transcoding with the bundled ffmpeg', () => {
  let dir: string;
  let tools: VideoTools;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'aperture-transcode-'));
    tools = new VideoTools({
      paths: { ffmpegPath: undefined, ffprobePath: undefined },
      cacheDir: path.join(dir, 'cache'),
    });
  });
  afterAll(async () => {
    await tools?.stop();
    await removeVideoFixtures();
    await rm(dir, { recursive: true, force: true });
  });

  it('reports progress as it goes, up to 99 before the files are done, and writes both renditions', async () => {
    const file = await h264Mp4Vga();
    const facts = await probeVideoFile(tools, file, { maxSeconds: 900, maxLongSide: 4096 });
    const reports: number[] = [];
    const renditions = await transcodeRenditions(tools, { file, container: facts.container, facts }, dir, (p) =>
      reports.push(p),
    );
    expect(reports.length).toBeGreaterThan(0);
    expect(reports).toEqual([...reports].sort((a, b) => a - b));
    expect(Math.max(...reports)).toBeLessThanOrEqual(99);
    expect(reports.at(-1)).toBeGreaterThanOrEqual(50);
    expect(renditions.map((r) => [r.name, r.width, r.height])).toEqual([
      ['720.mp4', 640, 480],
      ['360.mp4', 480, 360],
    ]);
    for (const r of renditions) expect((await stat(r.file)).size).toBeGreaterThan(1000);
    const poster = await posterFrame(tools, { file, container: facts.container, facts }, dir);
    expect(poster.subarray(1, 4).toString('latin1')).toBe('PNG');
  });
});
