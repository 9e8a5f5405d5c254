import type { FollowStatus } from '@aperture/sdk';
import { useTuiState } from '../context/state.js';
import { useTuiActions } from '../context/actions.js';
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
  const { client, me } = useTuiState();
  const { changes, flash } = useTuiActions();
  return (username, current, changed) => {
    if (username === me.username) {
      flash('That is you.');
      return;
    }
    const run = async (): Promise<FollowStatus> => {
      const state = current ?? (await client.graph.relationship({ username })).following;
      if (state === 'none') return (await client.graph.follow({ username })).state;
      await client.graph.unfollow({ username });
      return 'none';
    };
    run().then(
      (next) => {
        changed?.(next);
        changes.emit({ kind: 'follow', username, state: next });
        flash(
          next === 'active'
            ? `Following @${username}.`
            : next === 'pending'
              ? `Asked to follow @${username}.`
              : `No longer following @${username}.`,
        );
      },
      (error: unknown) => flash(`Could not change the follow: ${describeError(error)}`),
    );
  };
}
