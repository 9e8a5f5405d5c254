import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ACCEPTED_FORMATS, isAcceptedFormat, sniffImageFormat, type SniffedFormat } from './sniff.js';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))));

/** An ISO-BMFF `ftyp` box: size, "ftyp", major brand, minor version, compatible brands. */
const ftyp = (major: string, ...compatible: string[]) => {
  const size = 16 + 4 * compatible.length;
  const box = Buffer.alloc(size);
  box.writeUInt32BE(size, 0);
  box.write(`ftyp${major}`, 4, 'latin1');
  compatible.forEach((brand, index) => box.write(brand, 16 + 4 * index, 'latin1'));
  return Buffer.concat([box, Buffer.alloc(32)]);
};

const CASES: [string, Buffer, SniffedFormat | null][] = [
  ['JPEG (JFIF)', bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), 'jpeg'],
  ['JPEG (Exif)', bytes([0xff, 0xd8, 0xff, 0xe1]), 'jpeg'],
  ['PNG', bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), 'png'],
  ['WebP', bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 '), 'webp'],
  ['GIF87a', bytes('GIF87a', [1, 0, 1, 0]), 'gif'],
  ['GIF89a', bytes('GIF89a', [1, 0, 1, 0]), 'gif'],
  ['AVIF', ftyp('avif', 'mif1', 'miaf'), 'avif'],
  ['AVIF sequence', ftyp('avis', 'msf1', 'avif'), 'avif'],
  ['generic HEIF brand with AVIF compatible', ftyp('mif1', 'mif1', 'avif'), 'avif'],
  ['HEIC', ftyp('heic', 'mif1', 'heic'), 'heic'],
  ['HEIX', ftyp('heix', 'mif1'), 'heic'],
  ['HEVC sequence', ftyp('hevc', 'msf1'), 'heic'],
  ['generic HEIF (mif1) without AVIF', ftyp('mif1', 'mif1', 'heic'), 'heic'],
  ['generic HEIF sequence (msf1)', ftyp('msf1', 'msf1'), 'heic'],
  ['SVG', bytes('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'svg'],
  ['SVG with XML declaration', bytes('<?xml version="1.0"?><svg/>'), 'svg'],
  ['SVG after BOM and whitespace', bytes([0xef, 0xbb, 0xbf], '\n  <SVG/>'), 'svg'],
  ['empty', Buffer.alloc(0), null],
  ['one byte of JPEG', bytes([0xff]), null],
  ['HTML', bytes('<!doctype html><html>'), null],
  ['RIFF but WAVE', bytes('RIFF', [0x24, 0, 0, 0], 'WAVEfmt '), null],
  ['GIF88a (not a version)', bytes('GIF88a'), null],
  ['MP4 (ftyp isom)', ftyp('isom', 'isom', 'mp41'), null],
  ['TIFF little-endian', bytes('II', [0x2a, 0]), null],
  ['PDF', bytes('%PDF-1.7'), null],
  ['JPEG 2000', bytes([0, 0, 0, 0x0c], 'jP  '), null],
  ['text', bytes('hello, world'), null],
];

describe('sniffImageFormat', () => {
  it.each(CASES)('%s', (_name, head, expected) => {
    expect(sniffImageFormat(head)).toBe(expected);
  });

  it('recognises what sharp encodes in each accepted format', async () => {
    const base = () => sharp({ create: { width: 8, height: 8, channels: 3, background: '#36c' } });
    const encoded = {
      jpeg: await base().jpeg().toBuffer(),
      png: await base().png().toBuffer(),
      webp: await base().webp().toBuffer(),
      avif: await base().avif().toBuffer(),
      gif: await base().gif().toBuffer(),
    };
    for (const [format, data] of Object.entries(encoded)) expect(sniffImageFormat(data)).toBe(format);
  });

  it('reads only the head it is given, from any offset of a larger buffer', () => {
    const pool = Buffer.concat([bytes('junk'), bytes([0xff, 0xd8, 0xff, 0xe0])]);
    expect(sniffImageFormat(pool.subarray(4))).toBe('jpeg');
  });
});

describe('ACCEPTED_FORMATS', () => {
  it('is JPEG, PNG, WebP, AVIF and GIF; HEIC and SVG are recognised but refused', () => {
    expect([...ACCEPTED_FORMATS]).toEqual(['jpeg', 'png', 'webp', 'avif', 'gif']);
    expect(ACCEPTED_FORMATS.every((format) => isAcceptedFormat(format))).toBe(true);
    expect(isAcceptedFormat('heic')).toBe(false);
    expect(isAcceptedFormat('svg')).toBe(false);
    expect(isAcceptedFormat(null)).toBe(false);
  });
});
