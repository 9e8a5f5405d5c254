import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../../errors/app-error.js';
import { posterArgs, transcodeArgs, type RenditionPlan, type VideoSource } from './commands.js';
import type { RunResult, VideoTools } from './tools.js';

export { RENDITIONS, renditionSize, type RenditionName } from './commands.js';
export type Rendition = RenditionPlan;

/** Per second of video, the wall-clock a transcode may take, and a floor for short clips. */
const SECONDS_PER_VIDEO_SECOND = 20;
const MIN_TIMEOUT_MS = 120_000;

function assertRan(result: RunResult, what: string): void {
  if (result.stopped) throw new AppError('VIDEO_TOOLS_UNAVAILABLE', 'The server stopped during the transcode.');
  if (result.timedOut) throw new Error(`${what} timed out`);
  if (result.exitCode !== 0) throw new Error(`${what} failed: ${result.stderr.trim().split('\n').at(-1) ?? ''}`);
}

/**
 * Both renditions in one ffmpeg run (see `transcodeArgs` for what they are). `onProgress` hears
 * 0–100 as ffmpeg reports its position (`-progress pipe:1`).
 */
export async function transcodeRenditions(
  tools: VideoTools,
  source: VideoSource,
  outDir: string,
  onProgress: (percent: number) => void,
): Promise<Rendition[]> {
  const { args, renditions } = transcodeArgs(tools, source, outDir);
  const durationUs = source.facts.durationMs * 1000;
  let reported = -1;
  const result = await tools.run('ffmpeg', args, {
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
  });
  assertRan(result, 'transcode');
  return renditions;
}

/**
 * The poster frame as PNG: the most representative frame that is not almost all dark, or, for a
 * clip dark throughout, the most representative of all (see `posterArgs`).
 */
export async function posterFrame(tools: VideoTools, source: VideoSource, outDir: string): Promise<Buffer> {
  const file = path.join(outDir, 'poster.png');
  for (const skipDark of [true, false]) {
    const result = await tools.run('ffmpeg', posterArgs(tools, source, file, skipDark), { timeoutMs: MIN_TIMEOUT_MS });
    assertRan(result, 'poster');
    // Every frame was dropped as dark: ffmpeg ends well with no file written.
    if (
      await stat(file).then(
        (s) => s.size > 0,
        () => false,
      )
    )
      return readFile(file);
  }
  throw new Error('poster: ffmpeg wrote no frame');
}
