import exifReader from 'exif-reader';
import type { ExifFacts, GeoPoint } from '../types.js';
import { clipAsciiAtNul } from './exif-ascii.js';

export interface ExifReading {
  /** Null when the file records none of the facts. */
  facts: ExifFacts | null;
  /** Null when absent or not a valid position. Callers decide whether to keep it. */
  gps: GeoPoint | null;
}

const NONE: ExifReading = { facts: null, gps: null };
const MAX_TEXT = 128;

/**
 * Reads camera facts from a raw EXIF block (as sharp's `metadata().exif` gives it). Never throws:
 * EXIF is written by thousands of firmwares and edited by as many apps, and a garbled block must
 * not cost the uploader their photo.
 */
export function readExif(block: Buffer | undefined): ExifReading {
  if (!block || block.length === 0) return NONE;
  let tags: exifReader.Exif;
  try {
    tags = exifReader(clipAsciiAtNul(block));
  } catch {
    return NONE;
  }
  const image = tags.Image ?? {};
  const photo = tags.Photo ?? {};
  const facts: ExifFacts = {
    make: text(image.Make),
    model: text(image.Model),
    lens: text(photo.LensModel),
    exposureTime: positive(photo.ExposureTime),
    fNumber: positive(photo.FNumber),
    iso: positive(first(photo.ISOSpeedRatings)),
    focalLength: positive(photo.FocalLength),
    takenAt: takenAt(photo.DateTimeOriginal, photo.OffsetTimeOriginal),
  };
  const anyFact = Object.values(facts).some((value) => value !== null);
  return { facts: anyFact ? facts : null, gps: readGps(tags.GPSInfo) };
}

function readGps(gps: exifReader.Exif['GPSInfo']): GeoPoint | null {
  if (!gps) return null;
  const lat = degrees(gps.GPSLatitude, gps.GPSLatitudeRef, 'S');
  const lng = degrees(gps.GPSLongitude, gps.GPSLongitudeRef, 'W');
  if (lat === null || lng === null || Math.abs(lat) > 90 || Math.abs(lng) > 180) return null;
  return { lat, lng };
}

function degrees(value: unknown, ref: unknown, negative: 'S' | 'W'): number | null {
  const parts = Array.isArray(value) ? value : [value];
  const [d, m = 0, s = 0] = parts as unknown[];
  if (!finite(d) || !finite(m) || !finite(s)) return null;
  const abs = d + m / 60 + s / 3600;
  const sign = typeof ref === 'string' && ref.trim().toUpperCase() === negative ? -1 : 1;
  // 1e-7° is about a centimetre: finer digits are float noise from the rationals.
  return Math.round(sign * abs * 1e7) / 1e7;
}

/** The camera's wall-clock time; with its recorded UTC offset when there is one, else without a zone. */
function takenAt(date: unknown, offset: unknown): string | null {
  // exif-reader parses "YYYY:MM:DD HH:MM:SS" as if it were UTC, so the UTC fields are the camera's fields.
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) return null;
  const local = date.toISOString().slice(0, 19);
  const zone = typeof offset === 'string' && /^[+-]\d{2}:\d{2}$/.test(offset.trim()) ? offset.trim() : '';
  return local + zone;
}

function text(value: unknown): string | null {
  const decoded = Buffer.isBuffer(value) ? value.toString('utf8') : value;
  if (typeof decoded !== 'string') return null;
  // An EXIF string ends at its first NUL; what follows is not part of it (clipAsciiAtNul already cut
  // the counts; this covers a value it could not reach).
  const [raw = ''] = decoded.split('\0', 1);
  // Drop control characters some firmwares pad with; keep it short enough for a database column.
  const clean = Array.from(raw)
    .filter((char) => {
      const code = char.codePointAt(0) ?? 0;
      return code >= 0x20 && code !== 0x7f && code !== 0xfffd;
    })
    .join('')
    .trim();
  return clean.length > 0 ? clean.slice(0, MAX_TEXT) : null;
}

function first(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}

function positive(value: unknown): number | null {
  return finite(value) && value > 0 ? value : null;
}

function finite(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
