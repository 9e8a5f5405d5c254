import type { Command } from 'commander';
import type { HeldContent } from '@aperture/sdk';
import type { ActionFactory } from '../../command-action.js';
import type { CliContext } from '../../context.js';
import { idArg, positiveInt } from '../shared/arguments.js';
import { reasonOf, resolved } from './format.js';

/** Characters of a held caption or comment shown in the table (`--json` has up to 280). */
const TEXT_COLUMN = 48;

/** `aperture mod held` and `aperture mod release`: what word filters held back (docs/moderation.md). */
export function heldCommands(mod: Command, action: ActionFactory): void {
  mod
    .command('held')
    .description('posts and comments a word filter held for a moderator, the longest waiting first')
    .option('-n, --limit <count>', 'holds to show', positiveInt, 50)
    .action((options: { limit: number }, command: Command) =>
      action<{ limit: number }>(async (ctx, opts) => {
        const items = await ctx.authed((client) =>
          client.moderation.held({ limit: Math.min(100, opts.limit) }).toArray({ max: opts.limit }),
        );
        if (items.length === 0 && !ctx.out.json) {
          ctx.out.info('Nothing is held.');
          return;
        }
        ctx.out.data(heldTable(ctx, items), items);
      })(options, command),
    );

  mod
    .command('release')
    .description('let held content through: it is shown, and announced to followers, as if never held')
    .argument('<holdId>', 'the hold id (`aperture mod held` lists them)')
    .requiredOption('--reason <text>', 'why: goes to the audit log')
    .action((id: string, options: { reason?: string }, command: Command) =>
      action<{ reason?: string }>(async (ctx, opts) => {
        const holdId = idArg('holdId', id);
        const reason = reasonOf(opts);
        const result = await ctx.authed((client) => client.moderation.releaseHold(holdId, reason));
        const { kind, id: targetId } = result.target;
        const still = result.state.held ? ', but another hold still keeps it' : '';
        ctx.out.data(`Released ${kind} ${targetId}${still}${resolved(result)}.`, result);
      })(options, command),
    );
}

function heldTable(ctx: CliContext, items: HeldContent[]): string {
  const rows = items.map((item) => [
    item.holdId,
    `${item.target.kind} ${item.target.id}`,
    item.owner ? `@${item.owner.username}` : '?',
    `${item.rule.term} (${item.rule.source})`,
    preview(item.text),
    ctx.out.when(item.heldAt),
  ]);
  return ctx.out.table(['HOLD', 'TARGET', 'AUTHOR', 'RULE', 'TEXT', 'HELD'], rows);
}

function preview(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > TEXT_COLUMN ? `${line.slice(0, TEXT_COLUMN - 1)}…` : line;
}
