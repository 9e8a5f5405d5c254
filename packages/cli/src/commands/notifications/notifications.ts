import type { Command } from 'commander';
import type { NotificationView } from '@aperture/sdk';
import type { CliContext } from '../../context.js';
import { InterruptedError } from '../../exit-codes.js';
import type { ActionFactory } from '../../command-action.js';
import { positiveInt } from '../shared/arguments.js';
import { table, when, who } from '../shared/format.js';

interface NotificationsOptions {
  limit: number;
  follow?: boolean;
  markRead?: boolean;
}

export function notificationsCommand(program: Command, action: ActionFactory): void {
  program
    .command('notifications')
    .description('your notifications: follows, requests, likes, comments, replies and mentions')
    .option('-n, --limit <count>', 'notifications to list', positiveInt, 20)
    .option('-f, --follow', 'then keep printing new ones as they arrive, until Ctrl-C')
    .option('--mark-read', 'mark all your notifications read after listing them')
    .action(action<NotificationsOptions>((ctx, options) => showNotifications(ctx, options)));
}

async function showNotifications(ctx: CliContext, options: NotificationsOptions): Promise<void> {
  await ctx.authed(async (client) => {
    const items = await client.notifications
      .list({ limit: Math.min(100, options.limit) })
      .toArray({ max: options.limit });
    if (options.markRead) await client.notifications.markRead({ all: true });
    if (!options.follow) {
      printList(ctx, items);
      return;
    }
    // Oldest first, then new ones below them, as a log reads; JSON as one object per line.
    for (const item of [...items].reverse()) printOne(ctx, item);
    ctx.out.info('Waiting for new notifications (Ctrl-C to stop)…');
    // From the newest listed one (or the beginning): nothing written meanwhile is missed.
    const lastEventId = items.reduce((max, n) => (BigInt(n.eventId) > BigInt(max) ? n.eventId : max), '0');
    const stop = new AbortController();
    let stoppedBy: NodeJS.Signals | undefined;
    const onSignal = (signal: NodeJS.Signals): void => {
      stoppedBy = signal;
      stop.abort();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      for await (const item of client.notifications.subscribe({ signal: stop.signal, lastEventId }))
        printOne(ctx, item);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    // Ctrl-C exits 130, as for every command (and as npx reports it anyway); SIGTERM is a clean stop.
    if (stoppedBy === 'SIGINT') throw new InterruptedError();
  });
}

function printList(ctx: CliContext, items: NotificationView[]): void {
  if (ctx.out.json) {
    ctx.out.data('', items);
    return;
  }
  if (items.length === 0) {
    ctx.out.info('No notifications yet.');
    return;
  }
  ctx.out.data(
    table(
      ctx,
      ['', 'WHEN', 'WHAT'],
      items.map((n) => row(ctx, n)),
    ),
    null,
  );
}

function printOne(ctx: CliContext, item: NotificationView): void {
  if (ctx.out.json) ctx.io.stdout.write(`${JSON.stringify(item)}\n`);
  else if (!ctx.out.tty) ctx.io.stdout.write(`${table(ctx, [], [row(ctx, item)])}\n`);
  else ctx.io.stdout.write(`${when(ctx, item.updatedAt)}  ${describe(item)}\n`);
}

/**
 * On a terminal: an unread marker, the date, the sentence. Piped: id, kind, `read`/`unread`,
 * actor username, post id (empty if none), ISO date, the sentence.
 */
function row(ctx: CliContext, n: NotificationView): string[] {
  if (ctx.out.tty) return [n.read ? ' ' : '•', when(ctx, n.updatedAt), describe(n)];
  return [n.id, n.kind, n.read ? 'read' : 'unread', n.actor.username, n.post?.id ?? '', n.updatedAt, describe(n)];
}

/** One sentence per notification: `@bob and 2 others liked your post “Harbour at dusk”`. */
function describe(n: NotificationView): string {
  const actor = who(n.actor);
  const post = n.post ? ` ${postName(n.post)}` : '';
  switch (n.kind) {
    case 'follow':
      return `${actor} started following you`;
    case 'follow_request':
      return `${actor} asked to follow you`;
    case 'follow_approved':
      return `${actor} approved your follow request`;
    case 'like': {
      const others = n.actorCount - 1;
      return `${actor}${others > 0 ? ` and ${others} other${others === 1 ? '' : 's'}` : ''} liked your post${post}`;
    }
    case 'comment':
      return `${actor} commented on your post${post}`;
    case 'reply':
      return `${actor} replied to your comment on the post${post}`;
    case 'mention':
      return `${actor} mentioned you${n.commentId ? ' in a comment on the post' : ' in the post'}${post}`;
    // Moderation names no moderator: the sentence is about the recipient's own content.
    case 'post_hidden':
      return `Moderators hid your post${post}${because(n)}`;
    case 'post_sensitive':
      return `Moderators marked your post${post} sensitive${because(n)}`;
    case 'comment_removed':
      return `Moderators removed your comment on the post${post}${because(n)}`;
    case 'account_suspended':
      return `Moderators suspended your account${because(n)}`;
  }
}

function because(n: NotificationView): string {
  return n.note ? `: ${n.note}` : '';
}

/**
 * A post as people recognise it: the start of its caption in quotes, or for a post without one
 * its id (`aperture comments <id>` opens it). Ids are in their own column when piped either way.
 */
function postName(post: NonNullable<NotificationView['post']>): string {
  return post.captionSnippet === '' ? `${post.id} (no caption)` : `“${post.captionSnippet}”`;
}
