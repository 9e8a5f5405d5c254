import type { PostView, PublicUser } from '@aperture/sdk';

/** `3m`, `5h`, `2d`: how long ago, as timelines write it. */
export function ago(iso: string, now: number = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** `♥ 3 likes · 2 comments`, the heart filled when you liked it. */
export function countsLine(post: PostView): string {
  return `${post.viewerHasLiked ? '♥' : '♡'} ${plural(post.likeCount, 'like')} · ${plural(post.commentCount, 'comment')}`;
}

/** The photo or video a carousel shows at position `photo` (which wraps around, either way). */
export function shownMedia(post: PostView, photo: number): PostView['media'][number] | undefined {
  const count = post.media.length;
  return count === 0 ? undefined : post.media[((photo % count) + count) % count];
}

export function who(user: PublicUser): string {
  return user.displayName && user.displayName !== user.username
    ? `${user.displayName} @${user.username}`
    : `@${user.username}`;
}

/** The first line of a caption, cut to `width` cells. */
export function oneLine(text: string, width: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > width ? `${line.slice(0, Math.max(0, width - 1))}…` : line;
}

/** The window of a list that keeps `selected` visible: the first index to show. */
export function windowStart(selected: number, total: number, visible: number): number {
  if (total <= visible) return 0;
  return Math.max(0, Math.min(selected - Math.floor(visible / 2), total - visible));
}
