import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { ORIENTATIONS, photo, readQuadrants, UPRIGHT } from '../../../../test/fixtures/images.js';
import { OUTPUT_FORMATS, VARIANTS } from '../types.js';
import { configureSharp } from './configure.js';
import { processImage, type Derivative, type ProcessedImage } from './process.js';
import { sniffImageFormat } from './sniff.js';

const SHARP_FORMAT = { webp: 'webp', jpg: 'jpeg' } as const;
const sizes = (image: ProcessedImage) =>
  Object.fromEntries(image.derivatives.map((d) => [`${d.variant}.${d.format}`, [d.width, d.height]]));

/** Every derivative's size, both formats alike. */
const expectSizes = (image: ProcessedImage, expected: Record<string, [number, number]>) => {
  const both = Object.fromEntries(
    Object.entries(expected).flatMap(([variant, size]) =>
      OUTPUT_FORMATS.map((format) => [`${variant}.${format}`, size]),
    ),
  );
  expect(sizes(image)).toEqual(both);
};

beforeAll(() => configureSharp());

describe('processImage: derivatives', () => {
  let image: ProcessedImage;
  beforeAll(async () => {
    image = await processImage(await photo({ width: 1600, height: 1200, texture: true }), { keepLocation: false });
  });

  it('makes thumb, w320, w640 and w1080, each as WebP and JPEG, in a fixed order', () => {
    expect(image.derivatives.map((d) => `${d.variant}.${d.format}`)).toEqual(
      VARIANTS.flatMap((variant) => OUTPUT_FORMATS.map((format) => `${variant}.${format}`)),
    );
    expectSizes(image, { thumb: [150, 150], w320: [320, 240], w640: [640, 480], w1080: [1080, 810] });
  });

  it('encodes what each derivative says it is', async () => {
    for (const d of image.derivatives) {
      expect(d.contentType).toBe(d.format === 'webp' ? 'image/webp' : 'image/jpeg');
      expect(sniffImageFormat(d.data)).toBe(SHARP_FORMAT[d.format]);
      const meta = await sharp(d.data).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual([SHARP_FORMAT[d.format], d.width, d.height]);
    }
  });

  it('reports the format and upright size of the original', () => {
    expect([image.format, image.width, image.height]).toEqual(['jpeg', 1600, 1200]);
  });
});

describe('processImage: orientation', () => {
  it.each(ORIENTATIONS)('EXIF orientation %i: every derivative is upright and sized upright', async (orientation) => {
    const input = await photo({ width: 480, height: 320, orientation });
    if (orientation !== 1) expect(await readQuadrants(input)).not.toEqual(UPRIGHT); // the test can see a miss
    const image = await processImage(input, { keepLocation: false });
    expect([image.width, image.height]).toEqual([480, 320]);
    expectSizes(image, { thumb: [150, 150], w320: [320, 213], w640: [480, 320], w1080: [480, 320] });
    for (const d of image.derivatives) {
      expect({ derivative: `${d.variant}.${d.format}`, ...(await readQuadrants(d.data)) }).toEqual({
        derivative: `${d.variant}.${d.format}`,
        ...UPRIGHT,
      });
    }
  });
});

describe('processImage: metadata never reaches a derivative', () => {
  const MARKERS = ['ApertureTestCam', 'Lens-Marker-7', 'aperture-xmp-marker'];
  let input: Buffer;
  let image: ProcessedImage;
  beforeAll(async () => {
    input = await photo({
      orientation: 6,
      exif: { make: 'ApertureTestCam', model: 'M1', lens: 'Lens-Marker-7', takenAt: '2024-05-01T12:34:56' },
      gps: { lat: 52.3676, lng: 4.9041 },
      xmp: '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="52,22.056N" exif:UserComment="aperture-xmp-marker"/></rdf:RDF></x:xmpmeta>',
    });
    image = await processImage(input, { keepLocation: true });
  });

  it('the input does carry EXIF, GPS and XMP (so the checks below can fail)', async () => {
    const meta = await sharp(input).metadata();
    expect(meta.exif).toBeDefined();
    expect(meta.xmp).toBeDefined();
    for (const marker of ['Exif\0\0', ...MARKERS]) expect(input.includes(marker)).toBe(true);
    expect(image.gps).not.toBeNull();
  });

  it.each(VARIANTS.flatMap((variant) => OUTPUT_FORMATS.map((format) => [variant, format] as const)))(
    '%s.%s has no EXIF, GPS, XMP, ICC profile or orientation',
    async (variant, format) => {
      const d = image.derivatives.find((x) => x.variant === variant && x.format === format) as Derivative;
      const meta = await sharp(d.data).metadata();
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(meta.iptc).toBeUndefined();
      expect(meta.icc).toBeUndefined();
      expect(meta.orientation).toBeUndefined();
      for (const marker of ['Exif\0\0', 'EXIF', 'XMP ', 'x:xmpmeta', '<?xpacket', ...MARKERS]) {
        expect(d.data.includes(marker), marker).toBe(false);
      }
    },
  );
});

describe('processImage: EXIF facts and location', () => {
  const exif = {
    make: 'Canon',
    model: 'EOS R5',
    lens: 'RF24-70mm F2.8 L IS USM',
    exposureTime: 1 / 250,
    fNumber: 2.8,
    iso: 400,
    focalLength: 50,
    takenAt: '2024-05-01T12:34:56',
    offset: '+02:00',
  };

  it('extracts the camera facts', async () => {
    const image = await processImage(await photo({ exif }), { keepLocation: false });
    expect(image.exif).toEqual({
      make: 'Canon',
      model: 'EOS R5',
      lens: 'RF24-70mm F2.8 L IS USM',
      exposureTime: 0.004,
      fNumber: 2.8,
      iso: 400,
      focalLength: 50,
      takenAt: '2024-05-01T12:34:56+02:00',
    });
  });

  it('returns the position only when the uploader keeps it', async () => {
    const input = await photo({ exif, gps: { lat: 52.3676, lng: -4.9041 } });
    const kept = await processImage(input, { keepLocation: true });
    expect(kept.gps?.lat).toBeCloseTo(52.3676, 5);
    expect(kept.gps?.lng).toBeCloseTo(-4.9041, 5);
    const dropped = await processImage(input, { keepLocation: false });
    expect(dropped.gps).toBeNull();
    expect(dropped.exif?.make).toBe('Canon');
  });

  it('answers null facts and no position for a file without EXIF', async () => {
    const image = await processImage(await photo(), { keepLocation: true });
    expect([image.exif, image.gps]).toEqual([null, null]);
  });

  it('processes a file whose EXIF block is garbage', async () => {
    const good = await photo({ width: 320, height: 240 });
    // An APP1 "Exif" segment full of junk, right after SOI: readers must shrug, decoding must not care.
    const junk = Buffer.concat([Buffer.from('Exif\0\0II*\0', 'latin1'), Buffer.alloc(64, 0xee)]);
    const app1 = Buffer.alloc(4);
    app1.writeUInt16BE(0xffe1, 0);
    app1.writeUInt16BE(junk.length + 2, 2);
    const input = Buffer.concat([good.subarray(0, 2), app1, junk, good.subarray(2)]);
    const image = await processImage(input, { keepLocation: true });
    expect([image.exif, image.gps, image.width]).toEqual([null, null, 320]);
  });
});

describe('processImage: sizes', () => {
  it('never enlarges a width variant', async () => {
    const image = await processImage(await photo({ width: 500, height: 400 }), { keepLocation: false });
    expectSizes(image, { thumb: [150, 150], w320: [320, 256], w640: [500, 400], w1080: [500, 400] });
  });

  it('fills the 150 × 150 thumb even from a smaller original', async () => {
    const image = await processImage(await photo({ width: 100, height: 60 }), { keepLocation: false });
    expectSizes(image, { thumb: [150, 150], w320: [100, 60], w640: [100, 60], w1080: [100, 60] });
  });

  it('crops the thumb of a panorama from enough pixels, from the centre', async () => {
    const image = await processImage(await photo({ width: 3000, height: 200 }), { keepLocation: false });
    expectSizes(image, { thumb: [150, 150], w320: [320, 21], w640: [640, 43], w1080: [1080, 72] });
    const thumb = image.derivatives.find((d) => d.variant === 'thumb' && d.format === 'webp') as Derivative;
    // The centre 150 px of a 3000-px-wide quadrant picture straddle the vertical split: left red/blue, right green/white.
    expect(await readQuadrants(thumb.data)).toEqual(UPRIGHT);
  });
});
