import { describe, expect, it } from 'vitest';
import { pickDerivative, type PhotoUrls } from '../../src/images/index.js';

const urls = (variant: string) => ({
  webp: `https://x.test/m/1/${variant}.webp`,
  jpg: `https://x.test/m/1/${variant}.jpg`,
});
const READY: PhotoUrls = {
  urls: { thumb: urls('thumb'), w320: urls('w320'), w640: urls('w640'), w1080: urls('w1080') },
};

describe('pickDerivative', () => {
  it('takes the 320 JPEG while 320 pixels are enough for half blocks, else the 640 one', () => {
    expect(pickDerivative(READY, 80)).toBe('https://x.test/m/1/w320.jpg');
    expect(pickDerivative(READY, 320)).toBe('https://x.test/m/1/w320.jpg');
    expect(pickDerivative(READY, 321)).toBe('https://x.test/m/1/w640.jpg');
  });

  it('counts real pixels per cell for kitty and iTerm2', () => {
    expect(pickDerivative(READY, 32, { protocol: 'kitty', color: 'truecolor' })).toBe('https://x.test/m/1/w320.jpg');
    expect(pickDerivative(READY, 40, { protocol: 'iterm', color: 'truecolor' })).toBe('https://x.test/m/1/w640.jpg');
    expect(pickDerivative(READY, 40, { protocol: 'blocks', color: 'truecolor' })).toBe('https://x.test/m/1/w320.jpg');
  });

  it('falls back to a width that exists, and throws when there is none yet', () => {
    expect(pickDerivative({ urls: { w640: urls('w640') } }, 80)).toBe('https://x.test/m/1/w640.jpg');
    expect(pickDerivative({ urls: { w320: urls('w320') } }, 600)).toBe('https://x.test/m/1/w320.jpg');
    expect(() => pickDerivative({ urls: {} }, 80)).toThrow('still being processed');
  });
});
