import { CliError, EXIT, UsageError } from './exit-codes.js';
import type { Io } from './output.js';

export interface PasswordOptions {
  /** `--password-stdin`: read the whole of stdin instead of prompting. */
  fromStdin: boolean;
  /** Ask twice and compare (new passwords). */
  confirm?: boolean;
  /** The command to show in the hint when there is no way to read a password. */
  example: string;
}

/** The password, from stdin with --password-stdin, else from a prompt that does not echo. */
export async function readPassword(io: Io, options: PasswordOptions): Promise<string> {
  if (options.fromStdin) {
    const password = stripFinalNewline(await readAll(io.stdin));
    if (password === '') throw new UsageError('--password-stdin was given, but stdin was empty.');
    return password;
  }
  if (!io.stdin.isTTY) {
    throw new UsageError(
      `stdin is not a terminal, so there is no one to ask for a password. Pipe it in:\n  printf '%s' "$PASSWORD" | ${options.example} --password-stdin`,
    );
  }
  const password = await promptHidden(io, 'Password: ');
  if (password === '') throw new CliError('No password entered.');
  if (options.confirm) {
    const again = await promptHidden(io, 'Password (again): ');
    if (again !== password) throw new CliError('The passwords do not match.');
  }
  return password;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** `echo secret |` adds a newline that is not part of the password; `printf %s` does not. */
function stripFinalNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}

/** Reads one line in raw mode, echoing nothing, so the password never shows on screen. */
function promptHidden(io: Io, prompt: string): Promise<string> {
  const { stdin, stderr } = io;
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (error?: Error): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string | Buffer): void => {
      for (const char of chunk.toString()) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003') return finish(new CliError('Interrupted.', EXIT.INTERRUPTED));
        if (char === '\u0004') {
          return value === '' ? finish(new CliError('Interrupted.', EXIT.INTERRUPTED)) : finish();
        }
        if (char === '\u007f' || char === '\b') value = Array.from(value).slice(0, -1).join('');
        else if (char >= ' ') value += char;
      }
    };
    // Echo off before the prompt shows: whatever is typed once it is visible must not appear.
    stdin.setRawMode(true);
    stderr.write(prompt);
    stdin.resume();
    stdin.on('data', onData);
  });
}
