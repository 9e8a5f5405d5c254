import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import type { PhotoSet, UsersSpec } from '@aperture/loadgen';
import type { CliContext } from '../context.js';
import { normalizeServerUrl } from '../context.js';
import { UsageError } from '../exit-codes.js';

/** Options `run` and `check` share: where to send load, and as whom. */
export interface LoadTargetOptions {
  target?: string;
  seed: number;
  users?: number;
  tokensFile?: string;
  workers?: number;
  largeShare: number;
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

/** `--target`, else the global `--server` (or the CLI's default server). */
export function targetOf(ctx: CliContext, options: LoadTargetOptions): string {
  return options.target === undefined ? ctx.server : normalizeServerUrl(options.target);
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

/** Turns the loadgen parsers' RangeErrors into usage errors (exit 2). */
export function usage<T>(flag: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(`${flag}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
