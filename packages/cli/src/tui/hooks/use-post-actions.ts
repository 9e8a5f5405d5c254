import type { PostView } from '@aperture/sdk';
import { openUrl } from '../../open-url.js';
import { useTuiState } from '../context/state.js';
import { useTuiActions } from '../context/actions.js';
import { describeError } from '../describe-error.js';
import { shownMedia } from '../format.js';
import { isCovered } from '../sensitive.js';

export interface PostActions {
  /** Likes or unlikes; `changed` gets the post with its new count once the server agreed. */
  toggleLike: (post: PostView, changed: (post: PostView) => void) => void;
  /** Asks for a comment (a reply when `parentId` is set) and sends it. */
  comment: (post: PostView, parentId: string | null, changed: (post: PostView) => void) => void;
  /**
   * Opens the video shown (carousel position `photo`) in the system's player: its 720p rendition,
   * else its 360p. Without a player, or when it fails, the status line shows the URL instead.
   */
  openVideo: (post: PostView, photo: number) => void;
  /** Uncovers a sensitive post (`v`) for the rest of the session. */
  reveal: (post: PostView) => void;
}

/** The actions every screen that shows a post offers, with their outcome in the status line. */
export function usePostActions(): PostActions {
  const state = useTuiState();
  const { client, opener } = state;
  const { ask, changes, flash, reveal } = useTuiActions();
  return {
    toggleLike(post, changed) {
      const call = post.viewerHasLiked ? client.likes.unlike(post.id) : client.likes.like(post.id);
      call.then(
        (result) => {
          const next: PostView = {
            ...post,
            likeCount: result.likeCount,
            viewerHasLiked: result.liked,
            viewerReaction: result.liked ? result.reaction : null,
          };
          changed(next);
          changes.emit({ kind: 'post', post: next });
          flash(result.liked ? `Liked @${post.author.username}'s post.` : 'Like taken back.');
        },
        (error: unknown) => flash(`Could not like: ${describeError(error)}`),
      );
    },
    comment(post, parentId, changed) {
      if (!post.commentsEnabled) {
        flash('Comments are off for this post.');
        return;
      }
      ask({
        label: parentId === null ? 'Comment' : 'Reply',
        onSubmit: (body) => {
          if (body.trim() === '') return;
          client.comments.create({ postId: post.id, body, ...(parentId === null ? {} : { parentId }) }).then(
            () => {
              const next: PostView = { ...post, commentCount: post.commentCount + 1 };
              changed(next);
              changes.emit({ kind: 'post', post: next });
              flash(parentId === null ? 'Comment posted.' : 'Reply posted.');
            },
            (error: unknown) => flash(`Could not comment: ${describeError(error)}`),
          );
        },
      });
    },
    openVideo(post, photo) {
      const media = shownMedia(post, photo);
      if (isCovered(post, state)) {
        flash('This post is marked sensitive: v shows it, then o plays its video.');
        return;
      }
      if (media?.kind !== 'video') {
        flash('This is a photo: o opens videos (←/→ moves along the carousel).');
        return;
      }
      const url = media.renditions['720p'] ?? media.renditions['360p'];
      if (!url) {
        flash('This video has no rendition to play yet.');
        return;
      }
      flash('Opening the video…');
      void openUrl(opener, url).then((outcome) =>
        flash(
          outcome.opened ? 'Opened the video in your player.' : `Could not open a player (${outcome.reason}):\n${url}`,
        ),
      );
    },
    reveal(post) {
      if (!post.sensitive) flash('This post is not marked sensitive: nothing is covered.');
      else if (!isCovered(post, state)) flash('This post is already shown.');
      else {
        reveal(post.id);
        flash('Showing a post marked sensitive.');
      }
    },
  };
}
