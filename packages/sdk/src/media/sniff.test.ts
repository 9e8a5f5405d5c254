import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { detectContentType, SNIFF_BYTES } from './sniff.js';

const image = () => sharp({ create: { width: 16, height: 16, channels: 3, background: '#336699' } });

describe('detectContentType', () => {
  it.each([
    ['image/jpeg', () => image().jpeg().toBuffer()],
    ['image/png', () => image().png().toBuffer()],
    ['image/webp', () => image().webp().toBuffer()],
    ['image/avif', () => image().avif().toBuffer()],
    ['image/gif', () => image().gif().toBuffer()],
  ])('recognises %s as sharp writes it', async (type, make) => {
    const bytes = await make();
    expect(detectContentType(bytes.subarray(0, SNIFF_BYTES))).toBe(type);
  });

  it('recognises GIF87a and an AVIF brand listed only among the compatible brands', () => {
    expect(detectContentType(Buffer.from('GIF87a\x01\x00\x01\x00', 'latin1'))).toBe('image/gif');
    const ftyp = Buffer.alloc(24);
    ftyp.writeUInt32BE(24, 0);
    ftyp.write('ftypmif1', 4, 'latin1');
    ftyp.write('\0\0\0\0miafavif', 12, 'latin1');
    expect(detectContentType(ftyp)).toBe('image/avif');
  });

  it('recognises MP4, QuickTime, WebM and Matroska by their first bytes', () => {
    expect(detectContentType(Buffer.from('\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41', 'latin1'))).toBe('video/mp4');
    expect(detectContentType(Buffer.from('\0\0\0\x14ftypqt  \0\0\x02\0qt  ', 'latin1'))).toBe('video/quicktime');
    const ebml = (docType: string) =>
      Buffer.from(`\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84${docType}`, 'latin1');
    expect(detectContentType(ebml('webm'))).toBe('video/webm');
    expect(detectContentType(ebml('matroska'))).toBe('video/x-matroska');
  });

  it.each([
    ['an HLS playlist', Buffer.from('#EXTM3U\n#EXT-X-VERSION:3\n')],
    ['SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>')],
    ['HTML', Buffer.from('<!doctype html><script>alert(1)</script>')],
    ['HEIC', Buffer.from('\0\0\0\x18ftypheic\0\0\0\0mif1heic', 'latin1')],
    ['a WAVE file', Buffer.from('RIFF\x24\0\0\0WAVEfmt ', 'latin1')],
    ['two bytes of JPEG', Buffer.from([0xff, 0xd8])],
    ['nothing', Buffer.alloc(0)],
  ])('refuses %s', (_name, bytes) => {
    expect(detectContentType(bytes)).toBeUndefined();
  });
});
