import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { InstanceInfo, PostView, PublishProgress, UploadPhase } from '@aperture/sdk';
import type { CliContext } from '../../context.js';
import { CliError } from '../../exit-codes.js';
import type { ActionFactory } from '../../command-action.js';
import { createProgressView, formatBytes } from '../../progress.js';
import { idArg } from '../shared/arguments.js';
import { mediaCount } from '../../media-words.js';

interface PostOptions {
  caption?: string;
  followersOnly?: boolean;
}

/** `aperture post` and `aperture delete-post`. */
export function postCommands(program: Command, action: ActionFactory): void {
  program
    .command('post')
    .description('publish photos and videos as one post (a carousel, in the order given)')
    .argument(
      '<file...>',
      '1–10 JPEG, PNG, WebP, AVIF or GIF images (25 MiB at most) or MP4, MOV, WebM or Matroska videos (512 MiB)',
    )
    .option('-c, --caption <text>', 'the caption, 2,200 characters at most')
    .option('--followers-only', 'only your followers may see it (default: everyone)')
    .action((files: string[], options: PostOptions, command: Command) =>
      action<PostOptions>((ctx, opts) => publish(ctx, files, opts))(options, command),
    );
  program
    .command('delete-post')
    .description('delete one of your posts, everywhere at once')
    .argument('<postId>', 'the post id')
    .action((postId: string, options: object, command: Command) =>
      action(async (ctx) => {
        const id = idArg('postId', postId);
        await ctx.authed((client) => client.posts.delete(id));
        ctx.out.data(`Deleted post ${id}.`, { id, deleted: true });
      })(options, command),
    );
}

async function publish(ctx: CliContext, files: string[], options: PostOptions): Promise<void> {
  // Check every file first: a missing one would otherwise fail after the others were sent.
  const sizes = await fileSizes(files);
  const label = files.length === 1 ? basename(files[0]!) : `${files.length} files`;
  let post: PostView;
  const progress = combinedProgress(ctx, label, files.length);
  try {
    post = await ctx.authed(async (client) => {
      // The server's own limits, checked before anything is sent: an 11th photo or a file too
      // large must not cost the upload and processing of the ten others.
      const { limits } = await client.instance.info();
      checkAgainstLimits(files, sizes, options, limits);
      return client.posts.publish(files, {
        ...(options.caption === undefined ? {} : { caption: options.caption }),
        visibility: options.followersOnly ? 'followers' : 'public',
        maxBytes: limits.uploadBytes,
        maxVideoBytes: limits.videoBytes,
        onProgress: progress.update,
      });
    });
  } finally {
    progress.end();
  }
  const audience = post.visibility === 'followers' ? 'followers only' : 'public';
  ctx.out.data(`Posted ${post.id} (${mediaCount(post.media)}, ${audience}).`, post);
}

/** Each file's size; a missing file (or a folder) fails the command before anything is sent. */
async function fileSizes(files: string[]): Promise<number[]> {
  return Promise.all(
    files.map(async (file) => {
      const info = await stat(file).catch(() => undefined);
      if (!info) throw new CliError(`${file}: no such file (nothing was posted).`);
      if (!info.isFile()) throw new CliError(`${file}: not a file (nothing was posted).`);
      return info.size;
    }),
  );
}

/** Fails, naming what the user typed, when the post would break one of the server's limits. */
function checkAgainstLimits(files: string[], sizes: number[], options: PostOptions, limits: InstanceInfo['limits']) {
  const problems: string[] = [];
  if (files.length > limits.photosPerPost) {
    problems.push(
      `<file...>: a post has at most ${limits.photosPerPost} photos and videos, and ${files.length} were given.`,
    );
  }
  files.forEach((file, i) => {
    const size = sizes[i] ?? 0;
    // By its name only, for this early word: the upload itself tells a video by its bytes.
    const video = VIDEO_NAME.test(file);
    const limit = video ? limits.videoBytes : limits.uploadBytes;
    if (size > limit) {
      problems.push(
        `${file}: ${formatBytes(size)}, more than this server takes (${sizeLimit(limit)} a ${video ? 'video' : 'photo'}).`,
      );
    }
  });
  // The server counts the caption as it stores it: trimmed, in UTF-16 units (JavaScript's length).
  const caption = options.caption?.trim() ?? '';
  if (caption.length > limits.captionLength) {
    problems.push(
      `--caption: ${caption.length.toLocaleString('en')} characters, more than the ${limits.captionLength.toLocaleString('en')} a caption may have.`,
    );
  }
  if (problems.length === 0) return;
  throw new CliError([...problems, 'Nothing was sent.'].join('\n'));
}

const VIDEO_NAME = /\.(mp4|m4v|mov|webm|mkv)$/i;

/** `25 MiB` for a whole number of MiB (as limits are set), else as progress shows sizes. */
function sizeLimit(bytes: number): string {
  const mib = bytes / 1024 / 1024;
  return Number.isInteger(mib) ? `${mib} MiB` : formatBytes(bytes);
}

/** One progress line for every file together: the uploads run a few at a time. */
function combinedProgress(ctx: CliContext, label: string, files: number) {
  // --quiet: no progress at all (a bar is a message, not data).
  const view = ctx.out.quiet ? { update() {}, end() {} } : createProgressView(ctx.io.stderr, label);
  const sent = new Array<number>(files).fill(0);
  const totals = new Array<number>(files).fill(0);
  const phases = new Array<UploadPhase>(files).fill('hashing');
  const processed = new Array<number | null>(files).fill(null);
  const order: UploadPhase[] = ['hashing', 'uploading', 'processing', 'done'];
  return {
    update: (p: PublishProgress) => {
      sent[p.file] = p.sentBytes;
      totals[p.file] = p.totalBytes;
      phases[p.file] = p.phase;
      processed[p.file] = p.processedPercent;
      // The slowest file says where the whole post is, and the slowest video being transcoded
      // how far the server is (photos report no percentage; a file that is done waits for none).
      const phase = order[Math.min(...phases.map((ph) => order.indexOf(ph)))] ?? 'hashing';
      const transcoding = processed.filter((pc, i): pc is number => pc !== null && phases[i] === 'processing');
      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      view.update({
        phase,
        sentBytes: sum(sent),
        totalBytes: sum(totals),
        processedPercent: phase === 'processing' && transcoding.length > 0 ? Math.min(...transcoding) : null,
      });
    },
    end: () => view.end(),
  };
}
