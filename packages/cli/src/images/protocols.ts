import type { CellBox } from './fit.js';
import type { ImageProtocol } from './detect.js';

const ESC = '\u001b';
const BEL = '\u0007';
/** String terminator, which ends the kitty graphics (APC) command. */
const ST = `${ESC}\\`;
/** The kitty protocol's limit on the payload of one escape sequence. */
export const KITTY_CHUNK_SIZE = 4096;

/**
 * A PNG as kitty graphics commands: transmit-and-display (`a=T`) scaled by the terminal into
 * `c × r` cells. `q=2` silences the terminal's "OK" reply, which would otherwise arrive on stdin
 * as keystrokes; `C=1` keeps the cursor where it was, so the text layout after it is unchanged.
 * The base64 payload is split into 4096-byte chunks, `m=1` on all but the last.
 */
export function kittySequence(png: Buffer, box: CellBox): string {
  const payload = png.toString('base64');
  const chunks: string[] = [];
  for (let start = 0; start < payload.length; start += KITTY_CHUNK_SIZE) {
    chunks.push(payload.slice(start, start + KITTY_CHUNK_SIZE));
  }
  if (chunks.length === 0) chunks.push('');
  return chunks
    .map((chunk, index) => {
      const more = index < chunks.length - 1 ? 1 : 0;
      const keys = index === 0 ? `a=T,f=100,c=${box.columns},r=${box.rows},C=1,q=2,m=${more}` : `m=${more}`;
      return `${ESC}_G${keys};${chunk}${ST}`;
    })
    .join('');
}

/** An image file (any format iTerm2 decodes) as an iTerm2 inline image scaled into `width × height` cells. */
export function itermSequence(file: Buffer, box: CellBox): string {
  const args = `inline=1;width=${box.columns};height=${box.rows};preserveAspectRatio=1`;
  return `${ESC}]1337;File=${args}:${file.toString('base64')}${BEL}`;
}

/**
 * Lines that reserve `box` for an image drawn by one graphics escape sequence: `rows` lines, all
 * `columns` spaces but the last.
 *
 * The sequence rides on the LAST line and no spaces are printed there. A screen is written top
 * to bottom, and iTerm2 keeps an image in its cells, so text written over it afterwards (the
 * padding of the lines below, or of its own last row) would wipe it. So from where the last line
 * starts the sequence saves the cursor, steps up to the box's top left corner, draws, restores,
 * and moves right by `columns` instead of printing blanks: whatever follows on that line lands
 * where the layout expects. (Layout engines measure width with the escapes stripped, so this
 * line measures 0 wide; the lines above give the box its width.)
 */
export function reserveCells(sequence: string, box: CellBox): string[] {
  const blank = ' '.repeat(box.columns);
  const lines = Array.from({ length: box.rows }, () => blank);
  const up = box.rows > 1 ? `${ESC}[${box.rows - 1}A` : '';
  lines[box.rows - 1] = `${ESC}7${up}${sequence}${ESC}8${ESC}[${box.columns}C`;
  return lines;
}

/**
 * What removes every picture kitty shows, and frees their memory. kitty keeps an image until it
 * is deleted or scrolls away (text drawn over its cells need not remove it), so a UI writes this
 * before it draws a different screen; an empty string for protocols that need nothing.
 */
export function clearGraphics(protocol: ImageProtocol): string {
  return protocol === 'kitty' ? `${ESC}_Ga=d,d=A,q=2;${ST}` : '';
}
