import type { Db } from '../../db/connect.js';
import type { Clock } from '../../clock.js';
import { AppError } from '../../errors/app-error.js';
import type { Viewer } from '../accounts/types.js';
import type { MediaReader } from './media-reader.js';
import type { MediaUrls, MediaView } from './types.js';

/** Reading media and using it as an avatar. */
export class MediaService {
  constructor(private readonly deps: { db: Db; clock: Clock; reader: MediaReader }) {}

  get(viewer: Viewer | null, id: string): Promise<MediaView> {
    return this.deps.reader.get(viewer?.userId ?? null, id);
  }

  /**
   * Make a ready image of the viewer's own their avatar. The avatar URL contains the media id,
   * so a new avatar is a new URL: caches never need purging.
   */
  async setAvatar(viewer: Viewer, mediaId: string | null): Promise<{ avatar: MediaUrls | null }> {
    const { db, clock, reader } = this.deps;
    const now = clock.now().toISOString();
    if (mediaId === null) {
      await db.kysely
        .updateTable('users')
        .set({ avatar_media_id: null, updated_at: now })
        .where('id', '=', viewer.userId)
        .execute();
      return { avatar: null };
    }
    const media = await reader.row(mediaId).catch(() => undefined);
    if (!media || media.owner_id !== viewer.userId) throw new AppError('NOT_FOUND', 'No such media.');
    if (media.status !== 'ready') throw new AppError('MEDIA_NOT_READY');
    await db.kysely.transaction().execute(async (trx) => {
      await trx
        .updateTable('users')
        .set({ avatar_media_id: mediaId, updated_at: now })
        .where('id', '=', viewer.userId)
        .execute();
      await trx
        .updateTable('media')
        .set({ attached_at: now })
        .where('id', '=', mediaId)
        .where('attached_at', 'is', null)
        .execute();
    });
    return { avatar: avatarUrls(reader, mediaId) };
  }
}

/** The public thumbnail URLs of an avatar. */
export function avatarUrls(reader: Pick<MediaReader, 'urls'>, mediaId: string): MediaUrls {
  return { webp: reader.urls.url(mediaId, 'thumb.webp', true), jpg: reader.urls.url(mediaId, 'thumb.jpg', true) };
}
