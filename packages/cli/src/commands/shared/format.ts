import type { PostView, PublicUser } from '@aperture/sdk';
import type { CliContext } from '../../context.js';
import { videoLengths } from '../../media-words.js';

/**
 * Lists are for people on a terminal (aligned columns, short dates) and for scripts when piped
 * (tab-separated, ISO dates, one record a line, no header); see `Output`. `--json` is the stable format.
 */
export function isTerminal(ctx: CliContext): boolean {
  return ctx.out.tty;
}

/** Rows as aligned columns under a header on a terminal, else as tab-separated lines. */
export function table(ctx: CliContext, header: string[], rows: string[][]): string {
  return ctx.out.table(header, rows);
}

/** A date for people (`2025-11-23 14:03`, local time) on a terminal; ISO-8601 for scripts. */
export function when(ctx: CliContext, iso: string): string {
  return ctx.out.when(iso);
}

/** `1 like`, `3 likes`. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** `@ada`, or `Ada Lovelace (@ada)` when the display name says more. */
export function who(user: Pick<PublicUser, 'username' | 'displayName'>): string {
  return user.displayName && user.displayName !== user.username
    ? `${user.displayName} (@${user.username})`
    : `@${user.username}`;
}

/**
 * Posts as a table (aligned on a terminal, tab-separated when piped); `author` adds who wrote each.
 * MEDIA counts the photos and videos of each post, VIDEO gives its videos' lengths (`0:12, 1:03`).
 */
export function postTable(ctx: CliContext, posts: PostView[], options: { author?: boolean } = {}): string {
  return table(
    ctx,
    [
      'POST',
      ...(options.author ? ['AUTHOR'] : []),
      'DATE',
      'MEDIA',
      'VIDEO',
      'LIKES',
      'COMMENTS',
      'SEEN BY',
      'CAPTION',
    ],
    posts.map((p) => [
      p.id,
      ...(options.author ? [`@${p.author.username}`] : []),
      when(ctx, p.createdAt),
      String(p.media.length),
      videoLengths(p.media),
      String(p.likeCount),
      String(p.commentCount),
      p.visibility === 'followers' ? 'followers' : 'everyone',
      p.caption,
    ]),
  );
}
