import { Writable } from 'node:stream';
import { isTerminal, useColor } from './output.js';

/**
 * Where `aperture serve` sends the server's log: always stderr, so that stdout carries only data
 * (the URL line, or `--json`'s object). On a terminal each pino line becomes one line for people
 * (`14:03:07 GET /trpc/feed.home 200 12 ms`); otherwise the JSON lines go through untouched, for
 * log collectors.
 */
export function serverLogStream(stderr: NodeJS.WritableStream, env: NodeJS.ProcessEnv): NodeJS.WritableStream {
  if (!isTerminal(stderr)) return stderr;
  return new HumanLogStream(stderr, useColor(stderr, env));
}

/** pino's numeric levels. */
const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** Fields every line has, or that the formatted line already shows. */
const SHOWN = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'reqId', 'req', 'status', 'ms', 'err']);

interface LogRecord {
  level?: number;
  time?: number;
  msg?: string;
  req?: { method?: string; url?: string };
  status?: number;
  ms?: number;
  err?: { message?: string; type?: string; stack?: string };
  [key: string]: unknown;
}

/** Reads pino's newline-delimited JSON and writes one human line per record. */
class HumanLogStream extends Writable {
  #pending = '';

  constructor(
    private readonly target: NodeJS.WritableStream,
    private readonly color: boolean,
  ) {
    super({ decodeStrings: false });
  }

  override _write(chunk: string | Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.#pending += chunk.toString();
    let newline = this.#pending.indexOf('\n');
    while (newline !== -1) {
      const line = this.#pending.slice(0, newline);
      this.#pending = this.#pending.slice(newline + 1);
      if (line.trim() !== '') this.target.write(`${formatLogLine(line, this.color)}\n`);
      newline = this.#pending.indexOf('\n');
    }
    done();
  }
}

/**
 * One pino JSON line as people read it: local time, then for a request `METHOD url status ms`,
 * else the level and the message, then any other fields as `key=value` (an error's stack follows
 * on indented lines). A line that is not JSON is returned as it was.
 */
export function formatLogLine(line: string, color = false): string {
  let record: LogRecord;
  try {
    record = JSON.parse(line) as LogRecord;
  } catch {
    return line;
  }
  if (typeof record !== 'object' || record === null) return line;
  const paint = (code: number, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const time = paint(2, clock(record.time));
  const level = record.level ?? 30;
  const extra = Object.entries(record)
    .filter(([key]) => !SHOWN.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  if (record.msg === 'request' && record.req && record.status !== undefined) {
    const status = String(record.status);
    const painted = record.status >= 500 ? paint(31, status) : record.status >= 400 ? paint(33, status) : status;
    return [time, record.req.method ?? '', record.req.url ?? '', painted, `${record.ms ?? 0} ms`, ...extra].join(' ');
  }
  const name = LEVELS[level] ?? String(level);
  const label = level >= 50 ? paint(31, name) : level >= 40 ? paint(33, name) : name;
  const error = record.err?.message ? `: ${record.err.message}` : '';
  const head = [time, label, `${record.msg ?? ''}${error}`, ...extra].join(' ');
  // A failure's stack is what its reader needs next; it follows, indented, under its line.
  const stack =
    record.err?.stack
      ?.split('\n')
      .slice(1)
      .map((frame) => `    ${frame.trim()}`) ?? [];
  return [head, ...stack].join('\n');
}

/** `14:03:07`, local time, as a terminal next to a clock reads it. */
function clock(epochMs: number | undefined): string {
  const d = epochMs === undefined ? new Date() : new Date(epochMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
