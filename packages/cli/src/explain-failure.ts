import type { Command } from 'commander';
import { ApertureError, AuthenticationError, NetworkError, type ValidationIssue } from '@aperture/sdk';
import type { CliContext } from './context.js';
import { CliError, EXIT } from './exit-codes.js';
import { unreachableHint } from './how-to-run.js';

/**
 * Turns what a command threw into what its user can act on, in the words of the command line:
 * - the server's "sign in first" (a command that reads signed out, then meets a procedure that
 *   needs an account) exits 4 with the `login` hint, as every command that needs an account does;
 * - a VALIDATION_FAILED names the option or argument the user typed (`--caption`, `<text>`), not
 *   the API field (`caption`, `body`);
 * - an unreachable server says which URL was tried, where it came from, and how to start one.
 * Anything else is returned as it was.
 */
export function explainFailure(ctx: CliContext, command: Command, error: unknown): unknown {
  if (error instanceof AuthenticationError && error.code === 'UNAUTHENTICATED') {
    return withCause(ctx.notSignedIn(), error);
  }
  // Only a failure to reach this server itself: not an upload aborted, or storage that a PUT could
  // not reach (the server answered; starting one would not help).
  if (error instanceof NetworkError && error.message.includes(ctx.server)) {
    return withCause(new CliError(`${error.message} (${error.code})\n${unreachableHint(ctx, process.cwd())}`), error);
  }
  if (error instanceof ApertureError && error.code === 'VALIDATION_FAILED' && error.issues.length > 0) {
    const [first, ...more] = error.issues.map((issue) => describeIssue(command, issue));
    const lines = [`${first} (${error.code})`, ...more.map((line) => `  - ${line}`)];
    return withCause(new CliError(lines.join('\n'), EXIT.ERROR), error);
  }
  return error;
}

/** Keeps the original error for APERTURE_DEBUG=1, which prints its stack. */
function withCause<E extends Error>(error: E, cause: unknown): E {
  error.cause = cause;
  return error;
}

/**
 * API fields whose option or argument has another name. The rest are found by name: the field
 * `caption` is the option `--caption`, `postId` the argument `<postId>`, `displayName` the option
 * `--display-name`.
 */
const FIELD_ALIASES: Record<string, string[]> = {
  mediaIds: ['file'],
  body: ['text'],
  parentId: ['replyTo'],
  q: ['query'],
  username: ['name'],
  userId: ['name'],
  isPrivate: ['setting'],
};

/** `--caption: Captions are at most 2,200 characters.`; `<file...>` for the photos of a post. */
export function describeIssue(command: Command, issue: ValidationIssue): string {
  const [field, ...rest] = issue.path;
  const name = typeof field === 'string' ? cliName(command, field) : undefined;
  if (name === undefined) {
    return issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
  }
  // `mediaIds.3` is the fourth file given; deeper paths (a location's `lat`) keep their tail.
  const index = rest[0];
  const which = typeof index === 'number' && rest.length === 1 ? ` (the ${ordinal(index + 1)})` : '';
  const tail = rest.length > 0 && which === '' ? ` (${rest.join('.')})` : '';
  return `${name}${which}${tail}: ${issue.message}`;
}

/** The option (`--reply-to`) or argument (`<text>`) of `command` that carries an API field, if any. */
function cliName(command: Command, field: string): string | undefined {
  for (const candidate of [field, ...(FIELD_ALIASES[field] ?? [])]) {
    const option = command.options.find((o) => o.attributeName() === candidate && o.long !== undefined);
    if (option?.long) return option.long;
    const argument = command.registeredArguments.find((a) => a.name() === candidate);
    if (argument) return `<${argument.name()}${argument.variadic ? '...' : ''}>`;
  }
  return undefined;
}

function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : (({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th');
  return `${n}${suffix}`;
}
