import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { photo } from '../../../../test/fixtures/images.js';
import { readExif } from './exif.js';

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
});
