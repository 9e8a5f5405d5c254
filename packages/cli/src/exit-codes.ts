/** The `aperture` command's exit codes; scripts depend on them, so they never change meaning. */
export const EXIT = {
  OK: 0,
  /** The command failed: a server error, wrong password, unreachable server… */
  ERROR: 1,
  /** The command line was wrong: unknown option, missing argument, no password source. */
  USAGE: 2,
  /** Not signed in to this server, or the session has ended. */
  AUTH_REQUIRED: 4,
  /** `aperture admin verify`: problems remain (leftover blobs, or rows whose blobs are missing). */
  PROBLEMS_FOUND: 3,
  /**
   * `aperture loadgen run` finished, but a `--threshold` failed (k6 uses the same code, so CI
   * scripts written for it read ours alike).
   */
  THRESHOLD_FAILED: 99,
  /**
   * Interrupted by Ctrl-C (SIGINT) — at a prompt, while following notifications, while serving —
   * after cleaning up; the code shells give a process SIGINT ended, and what `npx` and `npm start`
   * report whatever the process does.
   */
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure the CLI explains itself: `message` goes to stderr as is, then the process exits with `exitCode`. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.ERROR,
  ) {
    super(message);
  }
}

export class UsageError extends CliError {
  override name = 'UsageError';
  constructor(message: string) {
    super(message, EXIT.USAGE);
  }
}

export class AuthRequiredError extends CliError {
  override name = 'AuthRequiredError';
  constructor(message: string) {
    super(message, EXIT.AUTH_REQUIRED);
  }
}

/** Ctrl-C (SIGINT) ended a command that then cleaned up: exit 130, with nothing more to say. */
export class InterruptedError extends CliError {
  override name = 'InterruptedError';
  constructor() {
    super('', EXIT.INTERRUPTED);
  }
}
