import { describe, expect, it } from 'vitest';
import { formatBytes, progressLine } from '../src/progress.js';

describe('upload progress line', () => {
  it('shows the bar, percentage and sizes in the unit of the total', () => {
    expect(
      progressLine('photo.jpg', {
        phase: 'uploading',
        sentBytes: 1_200_000,
        totalBytes: 1_500_000,
        processedPercent: null,
      }),
    ).toBe('photo.jpg  ████████░░   80%  1.2/1.5 MB');
    expect(
      progressLine('a.png', { phase: 'uploading', sentBytes: 0, totalBytes: 18_350_000, processedPercent: null }),
    ).toBe('a.png  ░░░░░░░░░░    0%  0.0/18.4 MB');
  });

  it('names the phases around the transfer', () => {
    expect(progressLine('p.jpg', { phase: 'hashing', sentBytes: 0, totalBytes: 5_000, processedPercent: null })).toBe(
      'p.jpg  ░░░░░░░░░░  hashing…',
    );
    expect(
      progressLine('p.jpg', { phase: 'processing', sentBytes: 5_000, totalBytes: 5_000, processedPercent: null }),
    ).toBe('p.jpg  ██████████  100%  5.0/5.0 kB  processing…');
    expect(progressLine('p.jpg', { phase: 'done', sentBytes: 5_000, totalBytes: 5_000, processedPercent: null })).toBe(
      'p.jpg  ██████████  100%  5.0/5.0 kB  ready',
    );
  });

  it('adds how far the server is with a video while it processes it', () => {
    expect(
      progressLine('clip.mp4', { phase: 'processing', sentBytes: 5_000, totalBytes: 5_000, processedPercent: 42 }),
    ).toBe('clip.mp4  ██████████  100%  5.0/5.0 kB  processing… 42%');
  });

  it('formats sizes in decimal units', () => {
    expect([formatBytes(12), formatBytes(4_321), formatBytes(830_000), formatBytes(25_000_000)]).toEqual([
      '12 B',
      '4.3 kB',
      '830 kB',
      '25.0 MB',
    ]);
  });
});
