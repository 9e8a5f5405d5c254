import { describe, expect, it } from 'vitest';
import { mediaLine } from '../check/format-check.js';
import { DEFAULT_LARGE_SHARE, LARGE_PHOTO_KB, largeShareFor, SMALL_PHOTO_KB } from './photos.js';

describe("the photo mix of a scenario's uploads", () => {
  it('weighs on average what the note says a photo weighs, within what the sources can weigh', () => {
    expect(largeShareFor(SMALL_PHOTO_KB)).toBe(0);
    expect(largeShareFor(100)).toBe(0);
    expect(largeShareFor(LARGE_PHOTO_KB)).toBe(1);
    expect(largeShareFor(5_000)).toBe(1);
    expect(largeShareFor(undefined)).toBe(DEFAULT_LARGE_SHARE);
    const half = largeShareFor((SMALL_PHOTO_KB + LARGE_PHOTO_KB) / 2);
    expect(half).toBe(0.5);
    const mean = half * LARGE_PHOTO_KB + (1 - half) * SMALL_PHOTO_KB;
    expect(mean).toBe((SMALL_PHOTO_KB + LARGE_PHOTO_KB) / 2);
  });

  it('says what was sent against the note, and when no source is as large as its photos', () => {
    const base = {
      videoShare: 0,
      peakVideoUploadsPerSec: 0,
      peakPhotoIngressBytesPerSec: 0,
      peakVideoIngressBytesPerSec: 0,
      hashtagsPerPost: 0,
      peakTagWritesPerSec: null,
    };
    expect(mediaLine({ ...base, largeShare: 1, notePhotoKB: 5_000 })).toBe(
      "media: photos: 100% from 12 MP sources (~3 MB), the rest 1080 px (~200 KB) — lighter than the note's 5 MB: no source is that large",
    );
    expect(mediaLine({ ...base, largeShare: 0, notePhotoKB: 200 })).toBe(
      "media: photos: 0% from 12 MP sources (~3 MB), the rest 1080 px (~200 KB) — for the note's 200 KB",
    );
    // A note that counts tag writes: its posts carried that many hashtags.
    expect(
      mediaLine({ ...base, largeShare: 0.1, notePhotoKB: undefined, hashtagsPerPost: 8, peakTagWritesPerSec: 370.37 }),
    ).toBe(
      'media: photos: 10% from 12 MP sources (~3 MB), the rest 1080 px (~200 KB); 8 hashtags a post, the peak needs 370 tag writes/s',
    );
  });
});
