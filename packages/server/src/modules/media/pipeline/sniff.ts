/** What the first bytes of a file say it is. `heic` and `svg` are recognised only to be refused by name. */
export type SniffedFormat = 'jpeg' | 'png' | 'webp' | 'avif' | 'gif' | 'heic' | 'svg';

export const ACCEPTED_FORMATS = ['jpeg', 'png', 'webp', 'avif', 'gif'] as const;
export type AcceptedFormat = (typeof ACCEPTED_FORMATS)[number];

/** Bytes `sniffImageFormat` needs at most; callers reading a stored object can fetch just this range. */
export const SNIFF_BYTES = 256;

export const FORMAT_CONTENT_TYPES: Record<AcceptedFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
  gif: 'image/gif',
};

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const AVIF_BRANDS = new Set(['avif', 'avis']);
const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1']);
// Generic HEIF brands say nothing about the codec: the compatible brands decide between AVIF and HEIC.
const GENERIC_HEIF_BRANDS = new Set(['mif1', 'msf1']);

export function isAcceptedFormat(format: SniffedFormat | null): format is AcceptedFormat {
  return format !== null && (ACCEPTED_FORMATS as readonly string[]).includes(format);
}

/** Identifies an image by its magic bytes, never by a name or a declared content type. */
export function sniffImageFormat(head: Uint8Array): SniffedFormat | null {
  const bytes = Buffer.from(head.buffer, head.byteOffset, Math.min(head.byteLength, SNIFF_BYTES));
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, PNG_SIGNATURE)) return 'png';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'webp';
  const gif = ascii(bytes, 0, 6);
  if (gif === 'GIF87a' || gif === 'GIF89a') return 'gif';
  if (ascii(bytes, 4, 8) === 'ftyp') return sniffIsoBmff(bytes);
  if (looksLikeSvg(bytes)) return 'svg';
  return null;
}

function sniffIsoBmff(bytes: Buffer): SniffedFormat | null {
  const major = ascii(bytes, 8, 12);
  if (AVIF_BRANDS.has(major)) return 'avif';
  if (!HEIC_BRANDS.has(major)) return null;
  if (!GENERIC_HEIF_BRANDS.has(major)) return 'heic';
  const boxSize = Math.min(bytes.length >= 4 ? bytes.readUInt32BE(0) : 0, bytes.length);
  const compatible: string[] = [];
  for (let offset = 16; offset + 4 <= boxSize; offset += 4) compatible.push(ascii(bytes, offset, offset + 4));
  if (compatible.some((brand) => AVIF_BRANDS.has(brand))) return 'avif';
  return 'heic';
}

function looksLikeSvg(bytes: Buffer): boolean {
  // Tolerate a UTF-8 BOM and leading whitespace, as browsers do when they sniff markup.
  const text = bytes
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart()
    .slice(0, 5)
    .toLowerCase();
  return text.startsWith('<svg') || text.startsWith('<?xml');
}

function startsWith(bytes: Buffer, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((byte, index) => bytes[index] === byte);
}

function ascii(bytes: Buffer, start: number, end: number): string {
  return bytes.length >= end ? bytes.toString('latin1', start, end) : '';
}
