import type { FollowStatus } from '@aperture/sdk';
import { useTui } from '../context.js';
import { describeError } from '../describe-error.js';

/**
 * Follows, or unfollows (withdrawing a pending request), depending on `current`; when the
 * screen does not know it (null), asks the server first. `changed` gets the new state.
 */
export function useFollow(): (
  username: string,
  current: FollowStatus | null,
  changed?: (next: FollowStatus) => void,
) => void {
  const tui = useTui();
  return (username, current, changed) => {
    if (username === tui.me.username) {
      tui.flash('That is you.');
      return;
    }
    const run = async (): Promise<FollowStatus> => {
      const state = current ?? (await tui.client.graph.relationship({ username })).following;
      if (state === 'none') return (await tui.client.graph.follow({ username })).state;
      await tui.client.graph.unfollow({ username });
      return 'none';
    };
    run().then(
      (next) => {
        changed?.(next);
        tui.changes.emit({ kind: 'follow', username, state: next });
        tui.flash(
          next === 'active'
            ? `Following @${username}.`
            : next === 'pending'
              ? `Asked to follow @${username}.`
              : `No longer following @${username}.`,
        );
      },
      (error: unknown) => tui.flash(`Could not change the follow: ${describeError(error)}`),
    );
  };
}
