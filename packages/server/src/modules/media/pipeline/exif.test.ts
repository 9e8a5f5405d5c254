import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { rawExifBlock, withApp1 } from '../../../../test/fixtures/exif-block.js';
import { photo } from '../../../../test/fixtures/images.js';
import { readExif } from './exif.js';
import { processImage } from './process.js';

const exifOf = async (image: Buffer) => (await sharp(image).metadata()).exif;

describe('readExif', () => {
  it('reads the camera facts and the position', async () => {
    const image = await photo({
      exif: {
        make: 'Fujifilm',
        model: 'X-T5',
        lens: 'XF23mmF1.4 R LM WR',
        exposureTime: 1 / 500,
        fNumber: 5.6,
        iso: 160,
        focalLength: 23,
        takenAt: '2023-11-04T17:45:09',
        offset: '-05:00',
      },
      gps: { lat: -33.8568, lng: -151.2153 },
    });
    const { facts, gps } = readExif(await exifOf(image));
    expect(facts).toEqual({
      make: 'Fujifilm',
      model: 'X-T5',
      lens: 'XF23mmF1.4 R LM WR',
      exposureTime: 0.002,
      fNumber: 5.6,
      iso: 160,
      focalLength: 23,
      takenAt: '2023-11-04T17:45:09-05:00',
    });
    expect(gps?.lat).toBeCloseTo(-33.8568, 5);
    expect(gps?.lng).toBeCloseTo(-151.2153, 5);
  });

  it('gives the camera wall-clock time without a zone when no offset is recorded', async () => {
    const image = await photo({ exif: { takenAt: '2024-02-29T23:59:58' } });
    expect(readExif(await exifOf(image)).facts?.takenAt).toBe('2024-02-29T23:59:58');
  });

  it('keeps the facts that are there and nulls the rest', async () => {
    const image = await photo({ exif: { make: 'Apple', iso: 32 } });
    expect(readExif(await exifOf(image)).facts).toEqual({
      make: 'Apple',
      model: null,
      lens: null,
      exposureTime: null,
      fNumber: null,
      iso: 32,
      focalLength: null,
      takenAt: null,
    });
  });

  it('answers nulls for no EXIF, for EXIF with none of the facts, and for garbage', async () => {
    const orientationOnly = await exifOf(await photo({ orientation: 6 }));
    expect(orientationOnly).toBeDefined();
    const garbage = [
      undefined,
      Buffer.alloc(0),
      Buffer.from('Exif\0\0'),
      Buffer.from('Exif\0\0MM\0*\xff\xff\xff\xff', 'latin1'),
      Buffer.from('not exif at all'),
      Buffer.from(Array.from({ length: 512 }, (_, index) => (index * 37) & 255)),
      orientationOnly?.subarray(0, 20),
    ];
    for (const block of [orientationOnly, ...garbage]) {
      expect(readExif(block)).toEqual({ facts: null, gps: null });
    }
  });

  it('survives a block cut short anywhere', async () => {
    const whole = await exifOf(
      await photo({
        exif: { make: 'Canon', model: 'EOS R5', takenAt: '2024-05-01T12:00:00' },
        gps: { lat: 1, lng: 2 },
      }),
    );
    if (!whole) throw new Error('fixture has no EXIF');
    for (let length = 0; length < whole.length; length += 3) {
      const reading = readExif(whole.subarray(0, length));
      expect(reading.gps === null || typeof reading.gps.lat === 'number').toBe(true);
    }
  });

  it('drops a position outside the globe', async () => {
    const image = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
      .withExif({
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '95/1 0/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '4/1 0/1 0/1' },
      })
      .jpeg()
      .toBuffer();
    expect(readExif(await exifOf(image)).gps).toBeNull();
  });

  it('ends every string at its first NUL, as EXIF defines, whatever bytes follow it', async () => {
    const ascii = (text: string) => ({ ascii: Buffer.from(text, 'latin1') });
    for (const byteOrder of ['II', 'MM'] as const) {
      const block = rawExifBlock(
        {
          // As a real Nokia writes it: the terminator, then leftovers of a longer string.
          ifd0: { 0x010f: ascii('Nokia\0\x32\0'), 0x0110: ascii('N95\0 8GB\0') },
          exif: {
            0x9003: ascii('2009:06:21 18:30:05\0\xff\xfe\0'),
            0x9011: ascii('+03:00\0junk\0'),
            0xa434: ascii('Carl Zeiss Tessar\0\u00e9t\u00e9\0'),
          },
          // Short values live inside the entry itself: `S\0N\0` must still read as south.
          gps: {
            0x0001: ascii('S\0N\0'),
            0x0002: {
              rationals: [
                [33, 1],
                [51, 1],
                [0, 1],
              ],
            },
            0x0003: ascii('E\0'),
            0x0004: {
              rationals: [
                [151, 1],
                [12, 1],
                [0, 1],
              ],
            },
          },
        },
        byteOrder,
      );
      const jpeg = withApp1(await photo(), block);
      const exif = await exifOf(jpeg);
      expect(exif?.equals(block), byteOrder).toBe(true);
      const { facts, gps } = readExif(exif);
      expect(facts, byteOrder).toMatchObject({
        make: 'Nokia',
        model: 'N95',
        lens: 'Carl Zeiss Tessar',
        takenAt: '2009-06-21T18:30:05+03:00',
      });
      expect(gps?.lat, byteOrder).toBeCloseTo(-33.85, 5);
      expect(gps?.lng, byteOrder).toBeCloseTo(151.2, 5);

      const processed = await processImage(jpeg, { keepLocation: true });
      expect(processed.exif?.make, byteOrder).toBe('Nokia');
      expect(processed.gps?.lat, byteOrder).toBeLessThan(0);
    }
  });

  it('leaves a block it cannot follow as it is', () => {
    const looping = rawExifBlock({ ifd0: { 0x010f: { ascii: Buffer.from('Canon\0', 'latin1') } } });
    // IFD0's next-IFD pointer aimed back at IFD0 itself: followed once, not forever.
    looping.writeUInt32LE(8, 6 + 8 + 2 + 12);
    expect(readExif(looping).facts?.make).toBe('Canon');
  });
});
