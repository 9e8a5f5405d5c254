import type { ColorMode } from './config-file.js';

/** Where the CLI reads and writes; tests and the Ink UI can pass their own. */
export interface Io {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

export const processIo: Io = {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
};

/**
 * Data goes to stdout (as JSON with `--json`), everything meant for a person to stderr, so that
 * `aperture whoami --json | jq` sees only data.
 *
 * Read commands print for people on a terminal (aligned columns under a header, local dates,
 * colour) and for scripts when stdout is piped (tab-separated, one record a line, no header,
 * ISO-8601 dates, no colour unless forced). `--json` is the stable format.
 */
export interface Output {
  readonly json: boolean;
  readonly quiet: boolean;
  /** stdout is a terminal: print for people. */
  readonly tty: boolean;
  /** Whether to colour stdout (see `useColor`). */
  readonly color: boolean;
  /** Prints a command's result: `human` normally, `value` as JSON with --json. */
  data(human: string, value: unknown): void;
  /** A hint or progress note; silenced by --quiet. */
  info(message: string): void;
  /** A failure; never silenced. */
  error(message: string): void;
  /** Rows as aligned columns under a (bold) header on a terminal, else as tab-separated lines. */
  table(header: string[], rows: string[][]): string;
  /** A date for people (`2025-11-23 14:03`, local time) on a terminal; ISO-8601 for scripts. */
  when(iso: string): string;
  /** Bold text when colouring (names, headers), else the text itself; safe to pass around. */
  readonly bold: (text: string) => string;
  /** Dimmed text when colouring (secondary facts), else the text itself. */
  readonly dim: (text: string) => string;
}

export interface OutputOptions {
  json: boolean;
  quiet: boolean;
  /** --color, else the `color` setting; `auto` looks at the stream and the environment. */
  color?: ColorMode | undefined;
}

/**
 * Colour or not, by precedence: `--color always|never` (or the `color` setting), then
 * `FORCE_COLOR` (as Node reads it: `0` means off), then `NO_COLOR` (any non-empty value, per
 * no-color.org), then whether the stream is a terminal (and TERM is not `dumb`).
 */
export function useColor(
  stream: NodeJS.WritableStream,
  env: NodeJS.ProcessEnv,
  mode: ColorMode | undefined = 'auto',
): boolean {
  if (mode === 'always') return true;
  if (mode === 'never') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  return isTerminal(stream) && env['TERM'] !== 'dumb';
}

export function isTerminal(stream: NodeJS.WritableStream): boolean {
  return (stream as NodeJS.WriteStream).isTTY === true;
}

export function createOutput(io: Io, options: OutputOptions): Output {
  const tty = isTerminal(io.stdout);
  const color = useColor(io.stdout, io.env, options.color);
  const sgr = (open: number, close: number) => (text: string) =>
    color && text !== '' ? `\x1b[${open}m${text}\x1b[${close}m` : text;
  const bold = sgr(1, 22);
  return {
    json: options.json,
    quiet: options.quiet,
    tty,
    color,
    data(human, value) {
      io.stdout.write(options.json ? `${JSON.stringify(value, null, 2)}\n` : `${human}\n`);
    },
    info(message) {
      if (!options.quiet) io.stderr.write(`${message}\n`);
    },
    error(message) {
      io.stderr.write(`${message}\n`);
    },
    table(header, rows) {
      if (!tty) return rows.map((row) => row.map(oneLine).join('\t')).join('\n');
      return alignedTable(header, rows, (io.stdout as NodeJS.WriteStream).columns, bold);
    },
    when(iso) {
      if (!tty) return iso;
      const d = new Date(iso);
      const pad = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
    },
    bold,
    dim: sgr(2, 22),
  };
}

/** Columns padded to their widest cell; lines cut at the terminal width so that they never wrap. */
function alignedTable(
  header: string[],
  rows: string[][],
  columns: number | undefined,
  bold: (text: string) => string,
): string {
  const all = [header, ...rows].map((row) => row.map(oneLine));
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  const lines = all.map((row) => {
    const line = row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ');
    return columns && line.length > columns ? `${line.slice(0, columns - 1)}…` : line;
  });
  // A header without titles (comments on a pipe) is no line at all.
  if (header.length === 0 || header.every((title) => title === '')) return lines.slice(1).join('\n');
  return [bold(lines[0] ?? ''), ...lines.slice(1)].join('\n');
}

/** Tabs and newlines inside a cell would break the one-record-a-line promise. */
function oneLine(text: string): string {
  return text.replace(/[\t\r\n]+/g, ' ');
}
