import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { PhotoSet, UsersSpec, VideoSet } from '@aperture/loadgen';
import type { CliContext } from '../../context.js';
import { normalizeServerUrl } from '../../context.js';
import { CliError, UsageError } from '../../exit-codes.js';
import { positiveInt } from '../shared/arguments.js';

/** A repeatable option's values, in the order given (`--threshold a --threshold b`). */
export const collect = (value: string, previous: string[]) => [...previous, value];

/** Options `run` and `check` share: where to send load, and as whom. */
export interface LoadTargetOptions {
  /** Every `--target` given, each possibly a comma-separated list. */
  target: string[];
  seed: number;
  users?: number;
  tokensFile?: string;
  workers?: number;
  /** Unset: `run` sends the default mix, `check` each scenario's (from its note's photo size). */
  largeShare?: number | undefined;
  report?: string;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number, 0 or more');
  return n;
}

export function share(value: string): number {
  const n = value.endsWith('%') ? Number(value.slice(0, -1)) / 100 : Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1)
    throw new InvalidArgumentError('expected a share between 0 and 1 (or 0%-100%)');
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number above zero');
  return n;
}

/**
 * The base URLs load goes to: each `--target` (repeated, or comma-separated), else the global
 * `--server` (or the CLI's default server). `target` is the first; `targets` lists all when there
 * are several (api processes without a load balancer).
 */
export function targetOf(ctx: CliContext, options: LoadTargetOptions): { target: string; targets?: string[] } {
  const urls = options.target
    .flatMap((value) => value.split(','))
    .map((url) => url.trim())
    .filter((url) => url !== '')
    .map((url) => normalizeServerUrl(url));
  const unique = [...new Set(urls)];
  if (unique.length === 0) return { target: ctx.server };
  return unique.length === 1 ? { target: unique[0]! } : { target: unique[0]!, targets: unique };
}

/** A seeded dataset's users (`--users`, `--seed`) or the sessions of `--tokens-file`. */
export async function usersOf(options: LoadTargetOptions, required: boolean): Promise<UsersSpec | undefined> {
  if (options.tokensFile !== undefined) {
    let text: string;
    try {
      text = await readFile(options.tokensFile, 'utf8');
    } catch {
      throw new UsageError(`--tokens-file: cannot read ${options.tokensFile}.`);
    }
    const tokens = text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    if (tokens.length === 0) throw new UsageError(`--tokens-file: ${options.tokensFile} holds no tokens.`);
    return { kind: 'tokens', tokens };
  }
  if (options.users !== undefined) return { kind: 'seeded', seed: options.seed, users: options.users };
  if (required) {
    throw new UsageError(
      'This scenario acts as users: pass --users N (and --seed N) for a dataset made by `aperture loadgen seed`, or --tokens-file <file>.',
    );
  }
  return undefined;
}

/** The run's photos, generated once into a temp folder; `cleanup` deletes them. */
export async function makePhotos(
  ctx: CliContext,
  largeShare: number,
): Promise<{ photos: PhotoSet; cleanup: () => Promise<void> }> {
  const { generatePhotos } = await import('@aperture/loadgen');
  const dir = await mkdtemp(join(tmpdir(), 'aperture-loadgen-'));
  ctx.out.info(`Generating photos (1080 px${largeShare > 0 ? ' and 12 MP' : ''})…`);
  const photos = await generatePhotos(dir, { largeShare });
  return { photos, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * The run's video clip, made once with the server's bundled ffmpeg into a temp folder (or the one
 * APERTURE_FFMPEG_PATH names, as the server would use); `cleanup` deletes it.
 */
export async function makeVideo(
  ctx: CliContext,
  share: number,
): Promise<{ video: VideoSet; cleanup: () => Promise<void> }> {
  const { generateVideo } = await import('@aperture/loadgen');
  const dir = await mkdtemp(join(tmpdir(), 'aperture-loadgen-video-'));
  ctx.out.info('Generating the test video (H.264 MP4, 640×360, 2 s)…');
  const ffmpegPath = ctx.io.env['APERTURE_FFMPEG_PATH'] || undefined;
  try {
    return {
      video: await generateVideo(dir, { share, ffmpegPath }),
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new CliError(`Videos were asked for, but ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * `--header 'Name: value'` as a header: a token name (RFC 9110), a colon, a value without line
 * breaks. Refused with the accepted form otherwise.
 */
export function parseHeader(text: string): [string, string] {
  const match = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*:\s*(.*)$/.exec(text);
  if (!match || /[\r\n\0]/.test(text)) {
    throw new UsageError(`--header "${text}": expected 'Name: value', like --header 'X-Request-Source: loadgen'.`);
  }
  return [match[1]!.toLowerCase(), match[2]!.trim()];
}

/** Turns the loadgen parsers' RangeErrors into usage errors (exit 2). */
export function usage<T>(flag: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(`${flag}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Options for where load goes and as whom, shared by `run` and `check`. */
export function targetOptions(command: Command): Command {
  return command
    .option(
      '--target <url>',
      'the Aperture to load (default: --server, else http://127.0.0.1:4000); repeat or comma-separate for several api processes: each virtual user keeps one, given in turn',
      collect,
      [],
    )
    .option('--users <n>', 'act as users 1..N of a dataset made by `aperture loadgen seed`', positiveInt)
    .option('--seed <n>', 'the seed number that dataset was made with', nonNegativeInt, 1)
    .option('--tokens-file <file>', 'act as the sessions in this file instead (one token per line)')
    .option('--workers <n>', 'worker threads sending load (default: cores - 1, at least 1)', positiveInt)
    .option(
      '--large-share <share>',
      "share of uploads made from 12 MP photos, the rest ~200 KB 1080 px (run: 0.1; check: each scenario's from its note's photo size)",
      share,
    )
    .option('--report <file.html>', 'also write a self-contained HTML report with charts');
}
