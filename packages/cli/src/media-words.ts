// How the commands and the terminal app speak of media: a post of photos and videos, and a
// video's length.

/** `1:05` for 65 s, `1:02:03` past an hour; `?` while a video's length is not known yet. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '?';
  // Rounded, not cut: a clip ffmpeg measures at 4.96 s is a 5-second clip to the person filming it.
  const total = Math.round(ms / 1000);
  const seconds = String(total % 60).padStart(2, '0');
  const minutes = Math.floor(total / 60) % 60;
  const hours = Math.floor(total / 3600);
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** `3 photos`, `1 video`, `2 photos and 1 video`: what a post holds, by kind. */
export function mediaCount(media: readonly { kind: 'image' | 'video' }[]): string {
  const videos = media.filter((m) => m.kind === 'video').length;
  const photos = media.length - videos;
  const parts = [
    ...(photos > 0 || videos === 0 ? [`${photos} ${photos === 1 ? 'photo' : 'photos'}`] : []),
    ...(videos > 0 ? [`${videos} ${videos === 1 ? 'video' : 'videos'}`] : []),
  ];
  return parts.join(' and ');
}

/** The lengths of a post's videos, `0:12, 1:03`; empty when it has none. */
export function videoLengths(media: readonly { kind: 'image' | 'video'; durationMs: number | null }[]): string {
  return media
    .filter((m) => m.kind === 'video')
    .map((m) => formatDuration(m.durationMs))
    .join(', ');
}
