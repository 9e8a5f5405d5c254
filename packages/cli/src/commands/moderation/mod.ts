import type { Command } from 'commander';
import type { AccountRef, ApertureClient, QueueItem, TargetDetail } from '@aperture/sdk';
import type { ActionFactory } from '../../command-action.js';
import type { CliContext } from '../../context.js';
import { UsageError } from '../../exit-codes.js';
import { idArg, positiveInt, usernameArg } from '../shared/arguments.js';
import { capital, flags, reasonOf, resolved } from './format.js';
import { heldCommands } from './held.js';
import { targetArg } from './report.js';

type ContentAction =
  'hidePost' | 'unhidePost' | 'markSensitive' | 'unmarkSensitive' | 'removeComment' | 'restoreComment';

/** The content actions: command, SDK call, what it takes, and what it did in words. */
const CONTENT_ACTIONS: { command: string; call: ContentAction; what: 'post' | 'comment'; done: string }[] = [
  { command: 'hide', call: 'hidePost', what: 'post', done: 'hidden' },
  { command: 'unhide', call: 'unhidePost', what: 'post', done: 'visible again' },
  { command: 'sensitive', call: 'markSensitive', what: 'post', done: 'marked sensitive' },
  { command: 'unsensitive', call: 'unmarkSensitive', what: 'post', done: 'no longer marked sensitive' },
  { command: 'remove-comment', call: 'removeComment', what: 'comment', done: 'removed' },
  { command: 'restore-comment', call: 'restoreComment', what: 'comment', done: 'restored' },
];

/** An account as the command line names it: digits are an id, anything else a username. */
function accountArg(value: string): AccountRef {
  return /^\d+$/.test(value) ? { userId: value } : usernameArg(value);
}

/** `aperture mod …`: the moderators' queue, actions and audit log, through the API (docs/moderation.md). */
export function modCommands(program: Command, action: ActionFactory): void {
  const mod = program.command('mod').description('moderate: the report queue, actions, the audit log (moderators)');

  mod
    .command('queue')
    .description('reported posts, comments and accounts, most recently reported first')
    .option('--resolved', 'the reports already handled, instead of the open ones')
    .option('-n, --limit <count>', 'targets to show', positiveInt, 50)
    .action((options: { resolved?: boolean; limit: number }, command: Command) =>
      action<{ resolved?: boolean; limit: number }>(async (ctx, opts) => {
        const state = opts.resolved ? 'resolved' : 'open';
        const items = await ctx.authed((client) =>
          client.moderation.queue({ state, limit: Math.min(100, opts.limit) }).toArray({ max: opts.limit }),
        );
        if (items.length === 0 && !ctx.out.json) {
          ctx.out.info(state === 'open' ? 'Nothing waits in the queue.' : 'No resolved reports yet.');
          return;
        }
        ctx.out.data(queueTable(ctx, items), items);
      })(options, command),
    );

  mod
    .command('show')
    .description('one reported target whatever its state, its reports and what moderators did')
    .argument('<kind>', 'post, comment or user')
    .argument('<id>', 'its id')
    .action((kind: string, id: string, options: object, command: Command) =>
      action(async (ctx) => {
        const target = targetArg(kind, id);
        const detail = await ctx.authed((client) => client.moderation.show(target));
        ctx.out.data(describe(ctx, detail), detail);
      })(options, command),
    );

  for (const spec of CONTENT_ACTIONS) {
    mod
      .command(spec.command)
      .description(`${spec.command.replace('-comment', '')} a ${spec.what}`)
      .argument(`<${spec.what}Id>`, `the ${spec.what} id`)
      .requiredOption('--reason <text>', 'why: goes to the audit log and to its author')
      .action((id: string, options: { reason?: string }, command: Command) =>
        action<{ reason?: string }>(async (ctx, opts) => {
          const targetId = idArg(`${spec.what}Id`, id);
          const reason = reasonOf(opts);
          const result = await ctx.authed((client) => client.moderation[spec.call](targetId, reason));
          ctx.out.data(`${capital(spec.what)} ${targetId} is ${spec.done}${resolved(result)}.`, result);
        })(options, command),
      );
  }

  for (const [command, suspend] of [
    ['suspend', true],
    ['unsuspend', false],
  ] as const) {
    mod
      .command(command)
      .description(
        suspend
          ? 'suspend an account: its sessions end, it cannot sign in, it and its content disappear'
          : 'lift a suspension: the account and its content come back',
      )
      .argument('<user>', 'a username, or an account id')
      .requiredOption('--reason <text>', 'why: goes to the audit log (and, for a suspension, to the account)')
      .action((user: string, options: { reason?: string }, cmd: Command) =>
        action<{ reason?: string }>(async (ctx, opts) => {
          const account = accountArg(user);
          const reason = reasonOf(opts);
          const result = await ctx.authed((client: ApertureClient) =>
            suspend ? client.moderation.suspend(account, reason) : client.moderation.unsuspend(account, reason),
          );
          const name = result.owner ? `@${result.owner.username}` : user;
          ctx.out.data(`${name} is ${suspend ? 'suspended' : 'no longer suspended'}${resolved(result)}.`, result);
        })(options, cmd),
      );
  }

  mod
    .command('dismiss')
    .description("resolve a target's open reports without acting on it")
    .argument('<kind>', 'post, comment or user')
    .argument('<id>', 'its id')
    .requiredOption('--reason <text>', 'why: goes to the audit log')
    .action((kind: string, id: string, options: { reason?: string }, command: Command) =>
      action<{ reason?: string }>(async (ctx, opts) => {
        const target = targetArg(kind, id);
        const reason = reasonOf(opts);
        const result = await ctx.authed((client) => client.moderation.dismiss(target, reason));
        ctx.out.data(`Dismissed the reports of ${target.kind} ${target.id}${resolved(result)}.`, result);
      })(options, command),
    );

  heldCommands(mod, action);

  mod
    .command('role')
    .description('make an account a user, moderator or admin (admins)')
    .argument('<user>', 'a username, or an account id')
    .argument('<role>', 'user, moderator or admin')
    .requiredOption('--reason <text>', 'why: goes to the audit log')
    .action((user: string, role: string, options: { reason?: string }, command: Command) =>
      action<{ reason?: string }>(async (ctx, opts) => {
        if (!['user', 'moderator', 'admin'].includes(role)) {
          throw new UsageError(`"${role}" is not a role: give user, moderator or admin.`);
        }
        const reason = reasonOf(opts);
        const result = await ctx.authed((client) =>
          client.moderation.setRole(accountArg(user), role as 'user' | 'moderator' | 'admin', reason),
        );
        ctx.out.data(`${user} is now ${role === 'admin' ? 'an' : 'a'} ${role}.`, result);
      })(options, command),
    );

  mod
    .command('log')
    .description('the audit log of moderation actions, newest first')
    .option('--moderator <user>', "only this moderator's actions (a username or id)")
    .option('--user <user>', 'only actions about this account or its content (a username or id)')
    .option('-n, --limit <count>', 'entries to show', positiveInt, 50)
    .action((options: { moderator?: string; user?: string; limit: number }, command: Command) =>
      action<{ moderator?: string; user?: string; limit: number }>(async (ctx, opts) => {
        const entries = await ctx.authed(async (client) => {
          const moderatorId = opts.moderator === undefined ? undefined : await userIdOf(client, opts.moderator);
          const targetUserId = opts.user === undefined ? undefined : await userIdOf(client, opts.user);
          return client.moderation
            .log({
              limit: Math.min(100, opts.limit),
              ...(moderatorId === undefined ? {} : { moderatorId }),
              ...(targetUserId === undefined ? {} : { targetUserId }),
            })
            .toArray({ max: opts.limit });
        });
        if (entries.length === 0 && !ctx.out.json) {
          ctx.out.info('The audit log is empty.');
          return;
        }
        const rows = entries.map((e) => [
          ctx.out.when(e.createdAt),
          e.moderator ? `@${e.moderator.username}` : '?',
          e.action,
          `${e.target.kind} ${e.target.id}`,
          e.reason,
        ]);
        ctx.out.data(ctx.out.table(['DATE', 'MODERATOR', 'ACTION', 'TARGET', 'REASON'], rows), entries);
      })(options, command),
    );
}

/** A username or id to an id: usernames through the profile (a suspended account by id only). */
async function userIdOf(client: ApertureClient, value: string): Promise<string> {
  const ref = accountArg(value);
  if ('userId' in ref && ref.userId !== undefined) return ref.userId;
  return (await client.users.profile({ username: ref.username })).user.id;
}

function queueTable(ctx: CliContext, items: QueueItem[]): string {
  const rows = items.map((item) => [
    `${item.target.kind} ${item.target.id}`,
    item.owner ? `@${item.owner.username}` : '?',
    String(item.reportCount),
    Object.entries(item.reasons)
      .map(([reason, n]) => `${reason} ${n}`)
      .join(', '),
    flags(item),
    ctx.out.when(item.lastReportedAt),
  ]);
  return ctx.out.table(['TARGET', 'OWNER', 'REPORTS', 'REASONS', 'STATE', 'LAST REPORT'], rows);
}

function describe(ctx: CliContext, d: TargetDetail): string {
  const lines = [
    `${capital(d.target.kind)} ${d.target.id} by ${d.owner ? `@${d.owner.username}` : 'a deleted account'} [${flags(d)}]`,
    ...(d.text ? [`  ${d.text}`] : []),
    ...d.holds.map(
      (h) => `  Held since ${ctx.out.when(h.heldAt)}: "${h.rule.term}" (${h.rule.source} rule), hold ${h.holdId}`,
    ),
    '',
    `Reports (${d.reports.length}):`,
    ...d.reports.map(
      (r) =>
        `  ${ctx.out.when(r.createdAt)}  ${r.reporter ? `@${r.reporter.username}` : '?'}  ${r.reason}  ${r.state}${r.note ? `  “${r.note}”` : ''}`,
    ),
    '',
    `Actions (${d.log.length}):`,
    ...d.log.map(
      (e) =>
        `  ${ctx.out.when(e.createdAt)}  ${e.moderator ? `@${e.moderator.username}` : '?'}  ${e.action}  ${e.reason}`,
    ),
  ];
  return lines.join('\n');
}
