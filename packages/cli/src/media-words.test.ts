import { describe, expect, it } from 'vitest';
import { formatDuration, mediaCount, videoLengths } from './media-words.js';

describe('media words', () => {
  it('writes lengths as m:ss, h:mm:ss past an hour, rounded to the second', () => {
    expect([0, 999, 1_000, 4_960, 65_000, 600_000, 3_723_000].map(formatDuration)).toEqual([
      '0:00',
      '0:01',
      '0:01',
      '0:05',
      '1:05',
      '10:00',
      '1:02:03',
    ]);
    expect(formatDuration(null)).toBe('?');
  });

  it('counts photos and videos by kind', () => {
    const photo = { kind: 'image' as const, durationMs: null };
    const video = { kind: 'video' as const, durationMs: 12_000 };
    expect(mediaCount([photo])).toBe('1 photo');
    expect(mediaCount([photo, photo, photo])).toBe('3 photos');
    expect(mediaCount([video])).toBe('1 video');
    expect(mediaCount([photo, photo, video])).toBe('2 photos and 1 video');
    expect(mediaCount([video, photo, video])).toBe('1 photo and 2 videos');
    expect(videoLengths([photo, video, { kind: 'video', durationMs: 63_000 }])).toBe('0:12, 1:03');
    expect(videoLengths([photo])).toBe('');
  });
});
