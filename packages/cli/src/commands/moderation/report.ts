import type { Command } from 'commander';
import type { ReportReason, ReportTarget } from '@aperture/sdk';
import type { ActionFactory } from '../../command-action.js';
import { UsageError } from '../../exit-codes.js';
import { idArg } from '../shared/arguments.js';

export const TARGET_KINDS = ['post', 'comment', 'user'] as const;
const REASONS = ['spam', 'nudity', 'violence', 'harassment', 'illegal', 'other'] as const;

/** `post <id>`, `comment <id>` or `user <id>` from the command line. */
export function targetArg(kind: string, id: string): ReportTarget {
  if (!(TARGET_KINDS as readonly string[]).includes(kind)) {
    throw new UsageError(`"${kind}" is not something to report: give post, comment or user.`);
  }
  return { kind: kind as ReportTarget['kind'], id: idArg(`${kind} id`, id) };
}

/** `aperture report <post|comment|user> <id> --reason …` and `aperture reports` (your own). */
export function reportCommands(program: Command, action: ActionFactory): void {
  program
    .command('report')
    .description("report a post, comment or account to the instance's moderators")
    .argument('<kind>', 'post, comment or user')
    .argument('<id>', 'its id')
    .requiredOption('--reason <reason>', REASONS.join(', '))
    .option('--note <text>', 'what the moderators should know (1,000 characters at most)')
    .action((kind: string, id: string, options: { reason: string; note?: string }, command: Command) =>
      action<{ reason: string; note?: string }>(async (ctx, opts) => {
        const target = targetArg(kind, id);
        if (!(REASONS as readonly string[]).includes(opts.reason)) {
          throw new UsageError(`"${opts.reason}" is not a reason: give ${REASONS.join(', ')}.`);
        }
        const report = await ctx.authed((client) =>
          client.reports.create({
            target,
            reason: opts.reason as ReportReason,
            ...(opts.note === undefined ? {} : { note: opts.note }),
          }),
        );
        ctx.out.data(
          `Reported ${target.kind} ${target.id} (${report.reason}): report ${report.id} is ${report.state}.`,
          report,
        );
      })(options, command),
    );
  program
    .command('reports')
    .description('your reports and whether moderators resolved them, newest first')
    .action((options: object, command: Command) =>
      action(async (ctx) => {
        const reports = await ctx.authed((client) => client.reports.mine({ limit: 100 }).toArray({ max: 100 }));
        if (reports.length === 0 && !ctx.out.json) {
          ctx.out.info('You have not reported anything.');
          return;
        }
        const rows = reports.map((r) => [r.id, r.target.kind, r.target.id, r.reason, r.state, r.createdAt]);
        ctx.out.data(ctx.out.table(['REPORT', 'KIND', 'TARGET', 'REASON', 'STATE', 'DATE'], rows), reports);
      })(options, command),
    );
}
