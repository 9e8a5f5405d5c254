/**
 * The same MP4 with a unique top-level `free` box appended: a valid file (players and ffprobe skip
 * `free` boxes) whose SHA-256 is new, because the server recognises bytes it already holds and
 * would skip the work we measure. Appended after the last box, so every offset inside the file
 * (the sample table points into `mdat`) stays where it was.
 */
export function uniqueMp4(source: Uint8Array, tag: string): Buffer {
  const text = Buffer.from(tag, 'utf8');
  const box = Buffer.alloc(8 + text.length);
  box.writeUInt32BE(box.length, 0);
  box.write('free', 4, 'latin1');
  text.copy(box, 8);
  return Buffer.concat([source, box]);
}
