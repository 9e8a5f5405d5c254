import type { AcceptedContentType } from './types.js';

/**
 * The formats the server accepts. The SDK cannot import the server's list at runtime; `satisfies`
 * keeps this copy to the server's type.
 */
export const ACCEPTED_CONTENT_TYPES = [
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/avif',
  'image/gif',
  'video/mp4',
  'video/quicktime',
  'video/webm',
  'video/x-matroska',
] as const satisfies readonly AcceptedContentType[];

/** How many leading bytes {@link detectContentType} wants (an AVIF `ftyp` box lists its brands there). */
export const SNIFF_BYTES = 256;

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const AVIF_BRANDS = new Set(['avif', 'avis']);
// ISO-BMFF brands of still images: an `ftyp` box with one of these is no video.
const IMAGE_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1', 'avif', 'avis', 'avci']);
const EBML = [0x1a, 0x45, 0xdf, 0xa3];

/**
 * The image format the leading bytes of a file announce, or undefined for anything the server
 * would refuse. Only a first guess, so that a wrong file fails before any request: the server
 * checks the bytes it stores again, and decodes them.
 */
export function detectContentType(head: Uint8Array): AcceptedContentType | undefined {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(head, PNG)) return 'image/png';
  if (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a') return 'image/gif';
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return 'image/webp';
  if (isAvif(head)) return 'image/avif';
  return detectVideo(head);
}

/** MP4 or QuickTime (an `ftyp` box of a video brand), WebM or Matroska (EBML: its DocType says which). */
function detectVideo(head: Uint8Array): AcceptedContentType | undefined {
  if (startsWith(head, EBML)) {
    return String.fromCharCode(...head.subarray(0, 64)).includes('webm') ? 'video/webm' : 'video/x-matroska';
  }
  if (head.length < 12 || ascii(head, 4, 8) !== 'ftyp' || IMAGE_BRANDS.has(ascii(head, 8, 12))) return undefined;
  return ascii(head, 8, 12) === 'qt  ' ? 'video/quicktime' : 'video/mp4';
}

/** Whether a content type is a video's. */
export function isVideoType(contentType: AcceptedContentType): boolean {
  return contentType.startsWith('video/');
}

/** An ISO-BMFF `ftyp` box whose major or compatible brands name AVIF (HEIC files use the same box). */
function isAvif(head: Uint8Array): boolean {
  if (head.length < 16 || ascii(head, 4, 8) !== 'ftyp') return false;
  const boxSize = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(0);
  const end = Math.min(boxSize, head.length);
  if (AVIF_BRANDS.has(ascii(head, 8, 12))) return true;
  // Bytes 12–16 are the minor version; compatible brands follow, four bytes each.
  for (let offset = 16; offset + 4 <= end; offset += 4) {
    if (AVIF_BRANDS.has(ascii(head, offset, offset + 4))) return true;
  }
  return false;
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((byte, i) => bytes[i] === byte);
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  if (bytes.length < end) return '';
  return String.fromCharCode(...bytes.subarray(start, end));
}
