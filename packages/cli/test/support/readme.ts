import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

/** The repository root: README.md, the root package.json, node_modules/.bin/aperture. */
export const REPO = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * The lines of the first fenced block of `lang` under the `## <heading>` section of README.md, as
 * written there: the test reads them at run time, so a README that stops matching the program
 * fails it.
 */
export function readmeBlock(heading: string, lang: string): string[] {
  const readme = readFileSync(`${REPO}README.md`, 'utf8');
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README.md has no "## ${heading}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const block = new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```$', 'm').exec(section);
  if (!block) throw new Error(`README.md's "${heading}" section has no \`\`\`${lang} block`);
  return block[1]!.replace(/\n$/, '').split('\n');
}

/** Command lines of a shell block: blank and comment-only lines dropped, `\` continuations joined. */
export function commandLines(block: string[]): string[] {
  return block
    .join('\n')
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
}

/** Global options that take a value (docs/cli.md, "Global options"): `--profile work feed` runs `feed`. */
const VALUED_GLOBALS = new Set(['--server', '--profile', '--color']);

/**
 * The `aperture` commands a line runs, in order, each with its first argument: `like` and
 * `comment` for `npx aperture like 1; npx aperture comment 1 'x'`, `follow` with `ben`.
 */
export function apertureCommands(line: string): { name: string; arg: string | undefined }[] {
  const segments = line.replace(/\s#.*$/, '').split(/;|&&|\|\|?/);
  const commands: { name: string; arg: string | undefined }[] = [];
  for (const segment of segments) {
    const words = /\bnpx aperture\s+(.*)$/.exec(segment)?.[1]?.trim().split(/\s+/) ?? [];
    const positional: string[] = [];
    for (let i = 0; i < words.length; i++) {
      if (VALUED_GLOBALS.has(words[i]!)) i++;
      else if (!words[i]!.startsWith('-')) positional.push(words[i]!.replace(/^'(.*)'$/, '$1'));
    }
    if (positional[0] !== undefined) commands.push({ name: positional[0], arg: positional[1] });
  }
  return commands;
}

/** The password every account of the run gets. */
export const PASSWORD = 'readme-password-1';

/**
 * What a README line needs before it can run unattended, and nothing more: `register`/`login`
 * read the password from stdin (`--password-stdin`, as docs/cli.md documents for scripts) instead
 * of a terminal prompt; `<placeholders>` get the values earlier commands printed. A placeholder
 * the test does not know fails loudly, naming where to teach it.
 */
export function fillIn(line: string, known: ReadonlyMap<string, string>): string {
  let command = line;
  if (/\bnpx aperture\b.*\s(register|login)\b/.test(command) && !command.includes('--password-stdin')) {
    command = command.replace(/^(.*?\bnpx aperture\b[^#]*?)(\s*#.*)?$/, '$1 --password-stdin$2');
  }
  // A trailing `# comment` is for the reader: its <words> are prose, not placeholders.
  const comment = /\s#.*$/.exec(command)?.[0] ?? '';
  const code = command.slice(0, command.length - comment.length);
  const filled = code.replace(/<(\w+)>/g, (_, name: string) => {
    const value = known.get(name);
    if (value === undefined) {
      throw new Error(
        `README line "${line}" uses <${name}>, which no earlier line printed (known: ${[...known.keys()].join(', ') || 'none'}). ` +
          'Teach CAPTURES in packages/cli/test/readme.test.ts where it comes from.',
      );
    }
    return value;
  });
  return filled + comment;
}

export interface ShellRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface ShellProcess {
  readonly pid: number;
  /** What it printed so far, stdout and stderr. */
  output(): { stdout: string; stderr: string };
  /** Signals its whole process group (npm, sh and node under `npx`), as Ctrl-C does. */
  signal(signal: NodeJS.Signals): void;
  done: Promise<ShellRun>;
}

/**
 * Runs one line with bash (`-e`: a line of several commands stops at the first that fails), in a
 * process group of its own so that it can be stopped whole. stdin holds `input`.
 */
export function startShell(
  line: string,
  options: { cwd: string; env: NodeJS.ProcessEnv; input?: string },
): ShellProcess {
  const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', line], {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: 'pipe',
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.end(options.input ?? '');
  const done = new Promise<ShellRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return {
    pid: child.pid!,
    output: () => ({ stdout, stderr }),
    signal: (signal) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // The group is already gone.
      }
    },
    done,
  };
}

/** Runs a line to its end; one that is still running after `timeoutMs` is killed and reported. */
export async function runShell(
  line: string,
  options: { cwd: string; env: NodeJS.ProcessEnv; input?: string; timeoutMs: number },
): Promise<ShellRun> {
  const shell = startShell(line, options);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>(
    (resolve) => (timer = setTimeout(() => resolve('timeout'), options.timeoutMs)),
  );
  const result = await Promise.race([shell.done, timedOut]);
  clearTimeout(timer);
  if (result !== 'timeout') return result;
  shell.signal('SIGKILL');
  const { stdout, stderr } = await shell.done;
  throw new Error(`"${line}" still ran after ${options.timeoutMs / 1000} s.\nstdout: ${stdout}\nstderr: ${stderr}`);
}

/** Polls `check` every 200 ms until it returns a value, for at most `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined> | T | undefined,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Gave up waiting for ${what} after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A small real JPEG: a gradient of one hue, so each file has its own bytes. */
export async function photo(hue: number): Promise<Buffer> {
  const width = 480;
  const height = 320;
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      pixels[i] = (hue + x) % 256;
      pixels[i + 1] = (y * 255) / height;
      pixels[i + 2] = 255 - (hue % 256);
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 85 })
    .toBuffer();
}
