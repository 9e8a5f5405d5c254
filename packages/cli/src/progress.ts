import type { UploadProgress } from '@aperture/sdk';

const BAR_WIDTH = 10;

/** `1.2 MB`, `830 kB`, `12 B`: decimal units, as file managers show sizes. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(bytes < 10_000 ? 1 : 0)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/**
 * One line of upload progress: `photo.jpg  ████████░░  80%  1.2/1.5 MB`, with a word instead of
 * the figures while hashing and processing (and the server's own percentage while it transcodes a
 * video: `processing… 42%`).
 */
export function progressLine(name: string, progress: UploadProgress): string {
  const { phase, sentBytes, totalBytes } = progress;
  const ratio = totalBytes === 0 ? 1 : Math.min(1, Math.max(0, sentBytes / totalBytes));
  const filled = Math.round(ratio * BAR_WIDTH);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
  const percent = `${Math.floor(ratio * 100)}%`.padStart(4);
  const sizes = `${inUnitOf(sentBytes, totalBytes)}/${formatBytes(totalBytes)}`;
  if (phase === 'hashing') return `${name}  ${bar}  hashing…`;
  if (phase === 'processing') {
    const server = progress.processedPercent === null ? '' : ` ${progress.processedPercent}%`;
    return `${name}  ${bar}  ${percent}  ${sizes}  processing…${server}`;
  }
  if (phase === 'done') return `${name}  ${bar}  ${percent}  ${sizes}  ready`;
  return `${name}  ${bar}  ${percent}  ${sizes}`;
}

/** The sent half of `1.2/1.5 MB`: in the unit of the total, so the pair reads as one figure. */
function inUnitOf(bytes: number, total: number): string {
  if (total < 1000) return String(bytes);
  if (total < 1_000_000) return (bytes / 1000).toFixed(total < 10_000 ? 1 : 0);
  return (bytes / 1_000_000).toFixed(1);
}

/** Where progress goes: a line redrawn in place on a terminal, nothing at all elsewhere. */
export interface ProgressView {
  update(progress: UploadProgress): void;
  /** Leaves the last line in place (a terminal) and moves on. */
  end(): void;
}

export function createProgressView(
  stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
  name: string,
): ProgressView {
  if (!stream.isTTY) return { update() {}, end() {} };
  let drawn = false;
  let last = '';
  return {
    update(progress) {
      const line = fit(progressLine(name, progress), stream.columns);
      // Chunks arrive every 64 kB; only draw what changed.
      if (line === last) return;
      last = line;
      drawn = true;
      stream.write(`\r\x1b[2K${line}`);
    },
    end() {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}

/** A line wider than the terminal would wrap, and `\r` would then redraw only its last row. */
function fit(line: string, columns: number | undefined): string {
  if (!columns || line.length < columns) return line;
  return `${line.slice(0, Math.max(0, columns - 2))}…`;
}

/** Progress of a long operator task: a phase and how many of its items are done. */
export interface StepProgress {
  /** What is being counted: `rows`, `blobs`. */
  phase: string;
  done: number;
  total: number;
  /** Said before the phase, e.g. `backup`. */
  step?: string;
}

/** `backup  rows   ████████░░  80%  8000/10000`: one line, redrawn in place on a terminal only. */
export function stepLine(progress: StepProgress): string {
  const ratio = progress.total === 0 ? 1 : Math.min(1, Math.max(0, progress.done / progress.total));
  const filled = Math.round(ratio * BAR_WIDTH);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
  const label = `${progress.step ? `${progress.step}  ` : ''}${progress.phase.padEnd(5)}`;
  return `${label}  ${bar}  ${`${Math.floor(ratio * 100)}%`.padStart(4)}  ${progress.done}/${progress.total}`;
}

export interface StepProgressView {
  update(progress: StepProgress): void;
  end(): void;
}

export function createStepProgressView(
  stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
): StepProgressView {
  if (!stream.isTTY) return { update() {}, end() {} };
  let last = '';
  let phase = '';
  return {
    update(progress) {
      const line = fit(stepLine(progress), stream.columns);
      if (line === last) return;
      // A new phase keeps the finished one's line and starts its own.
      const current = `${progress.step ?? ''}/${progress.phase}`;
      if (last !== '' && current !== phase) stream.write('\n');
      phase = current;
      last = line;
      stream.write(`\r\x1b[2K${line}`);
    },
    end() {
      if (last !== '') stream.write('\n');
      last = '';
    },
  };
}
