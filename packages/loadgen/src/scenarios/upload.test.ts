import { MAX_TAGS_PER_POST } from '@aperture/server';
import { describe, expect, it } from 'vitest';
import { TAGS } from '../seed/rows.js';
import { captionWith, MAX_HASHTAGS_PER_POST } from './upload.js';

describe('captionWith', () => {
  it("caps a post's hashtags where the server does, with a vocabulary as large", () => {
    expect(MAX_HASHTAGS_PER_POST).toBe(MAX_TAGS_PER_POST);
    expect(TAGS.length).toBeGreaterThanOrEqual(MAX_HASHTAGS_PER_POST);
  });

  it('writes that many distinct hashtags from the seeded vocabulary, none without', () => {
    expect(captionWith(0)).toBe('loadgen');
    for (const n of [1, 8, MAX_HASHTAGS_PER_POST]) {
      const tags = captionWith(n).split(' ').slice(1);
      expect(tags).toHaveLength(n);
      expect(new Set(tags).size).toBe(n);
      for (const tag of tags) expect(TAGS).toContain(tag.slice(1));
    }
  });

  it('refuses what the server would not keep: over 30, negative or fractional', () => {
    for (const n of [MAX_HASHTAGS_PER_POST + 1, -1, 2.5, Number.NaN]) {
      expect(() => captionWith(n)).toThrow(RangeError);
    }
  });
});
