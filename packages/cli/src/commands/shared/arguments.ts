import { InvalidArgumentError } from 'commander';
import { UsageError } from '../../exit-codes.js';

/** A username from the command line: `ada` or `@ada`. */
export function usernameArg(name: string): { username: string } {
  const username = name.trim().replace(/^@/, '');
  if (username === '') throw new UsageError('Give a username, e.g. ada.');
  return { username };
}

/** An id from the command line (posts and comments are named by id). */
export function idArg(what: string, value: string): string {
  if (!/^\d{1,20}$/.test(value)) throw new UsageError(`${what}: "${value}" is not an id (ids are digits).`);
  return value;
}

/** Parses a count option such as `--limit`. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}
