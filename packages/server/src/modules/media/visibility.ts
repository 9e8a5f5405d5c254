import type { Kysely } from 'kysely';
import type { Database, MediaRow } from '../../db/schema.js';
import { PostAccess } from '../visibility/post-access.js';
import { isPubliclyVisible } from '../visibility/post-policy.js';

export interface MediaAccess {
  /** May this viewer see the media at all (its derivatives, its view)? */
  visible: boolean;
  /** Is it visible to everyone, so its URLs may be cached publicly and forever? */
  public: boolean;
}

/**
 * The one rule of who may see a media item: its owner always; everyone once it is a user's
 * avatar; otherwise whoever may see a post it belongs to, by the post visibility policy. An upload
 * not yet posted is the owner's alone. It is public (immutable caching) only through an avatar or a
 * post anyone may see.
 */
export async function canView(
  db: Kysely<Database>,
  viewerId: string | null,
  media: Pick<MediaRow, 'id' | 'owner_id' | 'status'>,
): Promise<MediaAccess> {
  if (media.status !== 'ready') return { visible: viewerId === media.owner_id, public: false };
  if (await isAvatar(db, media.id)) return { visible: true, public: true };
  const posts = await db
    .selectFrom('post_media')
    .innerJoin('posts', 'posts.id', 'post_media.post_id')
    .select(['posts.id', 'posts.author_id', 'posts.visibility', 'posts.deleted_at', 'posts.hidden_at', 'posts.held_at'])
    .where('post_media.media_id', '=', media.id)
    .where('posts.deleted_at', 'is', null)
    .execute();
  const access = await PostAccess.load(
    db,
    viewerId,
    posts.map((p) => p.author_id),
  );
  const isPublic = posts.some((p) => isPubliclyVisible(access.facts(p)));
  // `visible` is per viewer even when the media is public: a viewer we know was blocked by the
  // author is refused, like everywhere else (signed out, they could see what anyone sees).
  return { visible: viewerId === media.owner_id || posts.some((p) => access.canView(p)), public: isPublic };
}

async function isAvatar(db: Kysely<Database>, mediaId: string): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').where('avatar_media_id', '=', mediaId).executeTakeFirst();
  return row !== undefined;
}
