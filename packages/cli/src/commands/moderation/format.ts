import type { ModerationResult, QueueItem } from '@aperture/sdk';
import { UsageError } from '../../exit-codes.js';

/** The `--reason` every action requires, refused when blank (the server would refuse it too). */
export function reasonOf(opts: { reason?: string }): string {
  if (opts.reason === undefined || opts.reason.trim() === '') {
    throw new UsageError('Give a --reason: it goes to the audit log and to the person affected.');
  }
  return opts.reason;
}

export function resolved(result: ModerationResult): string {
  return result.resolvedReports === 0 ? '' : ` (${result.resolvedReports} open report(s) resolved)`;
}

/** A target's state as a comma-separated list of what is true of it (`hidden,sensitive`), or `-`. */
export function flags(item: Pick<QueueItem, 'state'>): string {
  const on = Object.entries(item.state)
    .filter(([, value]) => value)
    .map(([key]) => key);
  return on.length === 0 ? '-' : on.join(',');
}

export function capital(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
