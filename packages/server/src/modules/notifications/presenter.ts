import type { Kysely, Selectable } from 'kysely';
import type { Database, NotificationsTable } from '../../db/schema.js';
import { presentPublicUser, type AvatarUrls } from '../accounts/presenter.js';
import { presentMedia } from '../media/presenter.js';
import type { MediaUrlSigner } from '../media/urls.js';
import { PostAccess } from '../visibility/post-access.js';
import { isPubliclyVisible } from '../visibility/post-policy.js';
import { captionSnippet } from './snippet.js';
import type { NotificationKind, NotificationView } from './types.js';

export type NotificationRow = Selectable<NotificationsTable>;

export interface PresentDeps {
  db: Kysely<Database>;
  urls: MediaUrlSigner;
  avatarUrls: AvatarUrls;
}

/**
 * Re-checks every row at read time — the actor not blocked either way, the post still visible to
 * the recipient, the comment not deleted — and drops the rows that fail, exactly as if they did
 * not exist; then hydrates the rest with one query per kind of thing.
 */
export async function presentNotifications(
  deps: PresentDeps,
  viewerId: string,
  rows: NotificationRow[],
): Promise<NotificationView[]> {
  if (rows.length === 0) return [];
  const { db } = deps;
  const postIds = unique(rows.map((r) => r.post_id));
  const commentIds = unique(rows.map((r) => r.comment_id));
  const actorIds = unique(rows.map((r) => r.actor_id));
  const [posts, comments, thumbs] = await Promise.all([
    postIds.length ? db.selectFrom('posts').selectAll().where('id', 'in', postIds).execute() : [],
    commentIds.length
      ? db.selectFrom('comments').select('id').where('id', 'in', commentIds).where('deleted_at', 'is', null).execute()
      : [],
    postIds.length
      ? db
          .selectFrom('post_media')
          .innerJoin('media', 'media.id', 'post_media.media_id')
          .selectAll('media')
          .select('post_media.post_id')
          .where('post_media.post_id', 'in', postIds)
          .where('post_media.position', '=', 0)
          .execute()
      : [],
  ]);
  const postById = new Map(posts.map((p) => [p.id, p]));
  const liveComments = new Set(comments.map((c) => c.id));
  // The access check loads the actors' rows with the authors': the actors are presented from them.
  const access = await PostAccess.load(db, viewerId, [...actorIds, ...posts.map((p) => p.author_id)]);

  return rows.flatMap((row): NotificationView[] => {
    const actor = access.author(row.actor_id);
    // An actor suspended since is gone with everything else of theirs.
    if (!actor || actor.suspended_at !== null || access.isBlocked(row.actor_id)) return [];
    if (row.comment_id !== null && !liveComments.has(row.comment_id)) return [];
    let post: NotificationView['post'] = null;
    if (row.post_id !== null) {
      const postRow = postById.get(row.post_id);
      if (!postRow || !access.canView(postRow)) return [];
      const thumb = thumbs.find((m) => m.post_id === postRow.id);
      const view = thumb
        ? presentMedia(thumb, {
            viewerIsOwner: postRow.author_id === viewerId,
            isPublic: isPubliclyVisible(access.facts(postRow)),
            urls: deps.urls,
          })
        : undefined;
      // The recipient may see this post (checked just above), so its caption is theirs to read.
      post = {
        id: postRow.id,
        thumbnailUrl: view?.urls.thumb?.jpg ?? null,
        captionSnippet: captionSnippet(postRow.caption),
      };
    }
    return [
      {
        id: row.id,
        eventId: row.seq_id,
        kind: row.kind as NotificationKind,
        actor: presentPublicUser(actor, deps.avatarUrls),
        actorCount: row.actor_count,
        post,
        commentId: row.comment_id,
        note: row.note,
        read: row.read_at !== null,
        updatedAt: row.updated_at,
        createdAt: row.created_at,
      },
    ];
  });
}

function unique(values: (string | null)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== null))];
}
