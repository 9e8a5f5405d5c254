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
 */
export interface Output {
  readonly json: boolean;
  /** Prints a command's result: `human` normally, `value` as JSON with --json. */
  data(human: string, value: unknown): void;
  /** A hint or progress note; silenced by --quiet. */
  info(message: string): void;
  /** A failure; never silenced. */
  error(message: string): void;
}

export function createOutput(io: Io, options: { json: boolean; quiet: boolean }): Output {
  return {
    json: options.json,
    data(human, value) {
      io.stdout.write(options.json ? `${JSON.stringify(value, null, 2)}\n` : `${human}\n`);
    },
    info(message) {
      if (!options.quiet) io.stderr.write(`${message}\n`);
    },
    error(message) {
      io.stderr.write(`${message}\n`);
    },
  };
}
