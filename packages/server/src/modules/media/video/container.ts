/** Video containers Aperture accepts, told apart by their first bytes, never by a name or a declared type. */
export type VideoContainer = 'mp4' | 'matroska';

export const VIDEO_CONTENT_TYPES = ['video/mp4', 'video/quicktime', 'video/webm', 'video/x-matroska'] as const;
export type VideoContentType = (typeof VIDEO_CONTENT_TYPES)[number];

export function isVideoContentType(contentType: string): contentType is VideoContentType {
  return (VIDEO_CONTENT_TYPES as readonly string[]).includes(contentType);
}

/**
 * The ffmpeg demuxer each container is read with. Naming it (`-f`) instead of letting ffmpeg guess
 * means a playlist (HLS, concat) or an image sequence can never be opened as one, whatever its bytes.
 */
export const DEMUXER: Record<VideoContainer, string> = { mp4: 'mov', matroska: 'matroska' };

const EBML_MAGIC = [0x1a, 0x45, 0xdf, 0xa3];
// ISO-BMFF brands of still images (HEIF, AVIF): an `ftyp` box alone does not make a video.
const IMAGE_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1', 'avif', 'avis', 'avci']);

/**
 * MP4 and QuickTime MOV start with an `ftyp` box (whose major brand is not a still-image one);
 * WebM and Matroska with the EBML magic. Anything else is not a video this server reads.
 */
export function sniffVideoContainer(head: Uint8Array): VideoContainer | null {
  const bytes = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (bytes.length >= 4 && EBML_MAGIC.every((b, i) => bytes[i] === b)) return 'matroska';
  if (bytes.length >= 12 && bytes.toString('latin1', 4, 8) === 'ftyp') {
    return IMAGE_BRANDS.has(bytes.toString('latin1', 8, 12)) ? null : 'mp4';
  }
  return null;
}
