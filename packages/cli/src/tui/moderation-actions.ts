import type { ApertureClient, HeldContent, ModerationResult, QueueItem } from '@aperture/sdk';

/** One item of the moderation screen: a reported target, or held content (which has a `holdId`). */
export type ModerationItem = QueueItem | HeldContent;

/** An action the moderation screen offers on an item: the letter typed to pick it, and the call. */
export interface ModerationChoice {
  key: string;
  label: string;
  run: (reason: string) => Promise<ModerationResult>;
}

export function isHeld(item: ModerationItem): item is HeldContent {
  return 'holdId' in item;
}

/**
 * What can be done to `item` as it stands: each action or its reverse (hide or unhide…), on the
 * owner's account too, then dismiss for a report or release for held content.
 */
export function choicesFor(client: ApertureClient, item: ModerationItem): ModerationChoice[] {
  const m = client.moderation;
  const { target, state, owner } = item;
  const choices: ModerationChoice[] = [];
  if (target.kind === 'post' && !state.gone) {
    choices.push(
      state.hidden
        ? { key: 'h', label: 'unhide', run: (reason) => m.unhidePost(target.id, reason) }
        : { key: 'h', label: 'hide', run: (reason) => m.hidePost(target.id, reason) },
      state.sensitive
        ? { key: 's', label: 'unmark sensitive', run: (reason) => m.unmarkSensitive(target.id, reason) }
        : { key: 's', label: 'mark sensitive', run: (reason) => m.markSensitive(target.id, reason) },
    );
  }
  if (target.kind === 'comment' && !state.gone) {
    choices.push(
      state.removed
        ? { key: 'x', label: 'restore', run: (reason) => m.restoreComment(target.id, reason) }
        : { key: 'x', label: 'remove', run: (reason) => m.removeComment(target.id, reason) },
    );
  }
  if (owner) {
    const account = { userId: owner.id };
    choices.push(
      state.suspended
        ? { key: 'u', label: `unsuspend @${owner.username}`, run: (reason) => m.unsuspend(account, reason) }
        : { key: 'u', label: `suspend @${owner.username}`, run: (reason) => m.suspend(account, reason) },
    );
  }
  if (isHeld(item)) {
    const { holdId } = item;
    choices.push({ key: 'a', label: 'release', run: (reason) => m.releaseHold(holdId, reason) });
  } else {
    choices.push({ key: 'd', label: 'dismiss the reports', run: (reason) => m.dismiss(target, reason) });
  }
  return choices;
}

/** One line of the list: what, whose, why it is here, and how it stands. */
export function describeItem(item: ModerationItem, ago: (iso: string) => string): string {
  const what = `${item.target.kind} ${item.target.id} · ${item.owner ? `@${item.owner.username}` : 'gone'}`;
  const flags = Object.entries(item.state)
    .filter(([name, on]) => on && !(isHeld(item) && name === 'held'))
    .map(([name]) => name);
  const stands = flags.length === 0 ? '' : ` · ${flags.join(', ')}`;
  if (isHeld(item)) return `${what} · held: “${item.rule.term}” (${item.rule.source}) · ${ago(item.heldAt)}${stands}`;
  const reasons = Object.entries(item.reasons)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  return `${what} · ${item.reportCount} report${item.reportCount === 1 ? '' : 's'}: ${reasons}${stands}`;
}
