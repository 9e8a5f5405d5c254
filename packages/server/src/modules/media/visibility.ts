import type { Kysely } from 'kysely';
import type { Database, MediaRow } from '../../db/schema.js';

export interface MediaAccess {
  /** May this viewer see the media at all (its derivatives, its view)? */
  visible: boolean;
  /** Is it visible to everyone, so its URLs may be cached publicly and forever? */
  public: boolean;
}

/**
 * The one rule of who may see a media item. Today: its owner always; everyone once it is a
 * user's avatar; nobody else (an upload not yet posted is the owner's alone). Posts extend this
 * with the post visibility policy — every surface that shows media must ask here.
 */
export async function canView(
  db: Kysely<Database>,
  viewerId: string | null,
  media: Pick<MediaRow, 'id' | 'owner_id' | 'status'>,
): Promise<MediaAccess> {
  const isPublic = media.status === 'ready' && (await isAvatar(db, media.id));
  return { visible: isPublic || viewerId === media.owner_id, public: isPublic };
}

async function isAvatar(db: Kysely<Database>, mediaId: string): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').where('avatar_media_id', '=', mediaId).executeTakeFirst();
  return row !== undefined;
}
