const TYPE_ASCII = 2;
const TYPE_LONG = 4;
const TYPE_IFD = 13;
/** Tags whose value is the offset of another IFD: Exif, GPS, Interoperability. */
const SUB_IFD_TAGS = new Set([0x8769, 0x8825, 0xa005]);
/** Real files have 2–5 IFDs; more means a loop or garbage. */
const MAX_IFDS = 16;

/**
 * A copy of a raw EXIF block (as sharp's `metadata().exif` gives it, `Exif\0\0` and a TIFF
 * structure) in which every ASCII value ends at its first NUL. EXIF defines ASCII values as
 * NUL-terminated, and firmwares leave bytes after the terminator inside the declared count (a Nokia
 * writes `Nokia\0` then junk): readers that take the whole count keep that junk, so the count of each
 * such entry is cut to just past the first NUL. Returns the block unchanged when it is not a TIFF
 * structure it can follow; never throws.
 */
export function clipAsciiAtNul(block: Buffer): Buffer {
  const tiff = block.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? 6 : 0;
  const order = block.subarray(tiff, tiff + 2).toString('latin1');
  if (order !== 'II' && order !== 'MM') return block;
  const little = order === 'II';
  const copy = Buffer.from(block);
  const u16 = (at: number): number => (little ? copy.readUInt16LE(at) : copy.readUInt16BE(at));
  const u32 = (at: number): number => (little ? copy.readUInt32LE(at) : copy.readUInt32BE(at));
  const fits = (at: number, length: number): boolean => at >= tiff && at + length <= copy.length;
  if (!fits(tiff + 4, 4)) return block;

  const pending = [tiff + u32(tiff + 4)];
  const seen = new Set<number>();
  while (pending.length > 0 && seen.size < MAX_IFDS) {
    const ifd = pending.shift() ?? 0;
    if (seen.has(ifd) || !fits(ifd, 2)) continue;
    seen.add(ifd);
    const entries = u16(ifd);
    for (let index = 0; index < entries; index++) {
      const entry = ifd + 2 + index * 12;
      if (!fits(entry, 12)) break;
      const tag = u16(entry);
      const type = u16(entry + 2);
      const count = u32(entry + 4);
      if (type === TYPE_ASCII && count > 1) {
        const value = count <= 4 ? entry + 8 : tiff + u32(entry + 8);
        if (!fits(value, count)) continue;
        const nul = copy.subarray(value, value + count).indexOf(0);
        if (nul < 0 || nul >= count - 1) continue;
        // The new count still includes the terminator, as EXIF writes it. Values of up to 4 bytes
        // live in the entry itself, so a value cut that short moves there.
        const clipped = nul + 1;
        if (count > 4 && clipped <= 4) {
          const inline = Buffer.alloc(4);
          copy.copy(inline, 0, value, value + clipped);
          inline.copy(copy, entry + 8);
        }
        writeU32(copy, entry + 4, clipped, little);
      } else if (SUB_IFD_TAGS.has(tag) && (type === TYPE_LONG || type === TYPE_IFD)) {
        pending.push(tiff + u32(entry + 8));
      }
    }
    const next = ifd + 2 + entries * 12;
    if (fits(next, 4) && u32(next) !== 0) pending.push(tiff + u32(next));
  }
  return copy;
}

function writeU32(buffer: Buffer, at: number, value: number, little: boolean): void {
  if (little) buffer.writeUInt32LE(value, at);
  else buffer.writeUInt32BE(value, at);
}
