import { basename } from 'node:path';
import type { Command } from 'commander';
import { ApertureError, AuthenticationError, type ApertureClient, type MediaView } from '@aperture/sdk';
import type { CliContext } from '../../context.js';
import { CliError } from '../../exit-codes.js';
import type { ActionFactory } from '../../command-action.js';
import { formatDuration } from '../../media-words.js';
import { createProgressView, formatBytes } from '../../progress.js';

interface UploadCommandOptions {
  keepLocation?: boolean;
}

export function uploadCommand(program: Command, action: ActionFactory): void {
  program
    .command('upload')
    .description('upload images or videos and print their media ids and URLs')
    .argument(
      '<file...>',
      'JPEG, PNG, WebP, AVIF or GIF images (25 MiB at most), MP4, MOV, WebM or Matroska videos (512 MiB)',
    )
    .option('--keep-location', 'keep the GPS position of the photos (only you see it)')
    .action((files: string[], options: UploadCommandOptions, command: Command) =>
      action<UploadCommandOptions>((ctx, opts) => uploadFiles(ctx, files, opts))(options, command),
    );
}

/** Uploads each file in turn; one that fails is reported and the others still go. */
async function uploadFiles(ctx: CliContext, files: string[], options: UploadCommandOptions): Promise<void> {
  const uploaded: MediaView[] = [];
  let failed = 0;
  await ctx.authed(async (client) => {
    // The server's size limits, so that a file too large is refused before any of it is sent.
    const { limits } = await client.instance.info();
    const maxBytes = { maxBytes: limits.uploadBytes, maxVideoBytes: limits.videoBytes };
    for (const file of files) {
      const media = await uploadOne(ctx, client, file, { ...options, ...maxBytes });
      if (media) uploaded.push(media);
      else failed += 1;
    }
  });
  if (ctx.out.json) ctx.out.data('', uploaded);
  if (failed > 0) throw new CliError(`${failed} of ${files.length} ${files.length === 1 ? 'file' : 'files'} failed.`);
}

async function uploadOne(
  ctx: CliContext,
  client: ApertureClient,
  file: string,
  options: UploadCommandOptions & { maxBytes: number; maxVideoBytes: number },
): Promise<MediaView | undefined> {
  const name = basename(file);
  // --quiet: no progress at all (a bar is a message, not data).
  const view = ctx.out.quiet ? { update() {}, end() {} } : createProgressView(ctx.io.stderr, name);
  let sent = 0;
  try {
    const media = await client.media.upload(file, {
      ...(options.keepLocation ? { keepLocation: true } : {}),
      maxBytes: options.maxBytes,
      maxVideoBytes: options.maxVideoBytes,
      onProgress: (progress) => {
        sent = progress.sentBytes;
        view.update(progress);
      },
    });
    view.end();
    if (!isTerminal(ctx.io.stderr)) {
      ctx.out.info(`${name}: ${sent === 0 ? 'already uploaded' : `${formatBytes(sent)} sent`}, ready`);
    }
    if (!ctx.out.json) ctx.out.data(describeMedia(file, media), media);
    return media;
  } catch (error) {
    view.end();
    // A session that ended fails every file alike: let `authed` say so once.
    if (error instanceof AuthenticationError && error.code === 'UNAUTHENTICATED') throw error;
    // So does a server out of disk space: stop, and say once what to do about it.
    if (error instanceof ApertureError && error.code === 'STORAGE_FULL') throw error;
    ctx.out.error(`error: ${file}: ${describeError(error)}`);
    return undefined;
  }
}

/**
 * `photo.jpg: media 123…` (`clip.mp4: video 123… (0:12)`, with its length) and one line per
 * derivative URL (for a video: its renditions, then its poster's).
 */
function describeMedia(file: string, media: MediaView): string {
  const lines = [
    media.kind === 'video'
      ? `${file}: video ${media.id} (${formatDuration(media.durationMs)})`
      : `${file}: media ${media.id}`,
  ];
  if (media.kind === 'video') {
    for (const [quality, url] of Object.entries(media.renditions)) {
      if (url) lines.push(`  ${`${quality}.mp4`.padEnd(11)} ${url}`);
    }
  }
  for (const [variant, urls] of Object.entries(media.urls)) {
    if (!urls) continue;
    lines.push(`  ${`${variant}.webp`.padEnd(11)} ${urls.webp}`, `  ${`${variant}.jpg`.padEnd(11)} ${urls.jpg}`);
  }
  return lines.join('\n');
}

function describeError(error: unknown): string {
  if (error instanceof ApertureError) return `${error.message} (${error.code})`;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}

function isTerminal(stream: NodeJS.WritableStream): boolean {
  return (stream as NodeJS.WriteStream).isTTY === true;
}
