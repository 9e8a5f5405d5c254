import type { Kysely } from 'kysely';
import type { Database, MediaRow } from '../../db/schema.js';
import { AppError } from '../../errors/app-error.js';
import { presentMedia } from './presenter.js';
import type { MediaView } from './types.js';
import type { MediaUrlSigner } from './urls.js';
import { canView } from './visibility.js';

/** Reads media for a viewer, through the visibility rule, and presents it. */
export class MediaReader {
  constructor(
    private readonly db: Kysely<Database>,
    readonly urls: MediaUrlSigner,
  ) {}

  async row(id: string): Promise<MediaRow> {
    const row = await this.db.selectFrom('media').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', 'No such media.');
    return row;
  }

  /** The media as `viewerId` may see it; NOT_FOUND when they may not (never FORBIDDEN: that would leak existence). */
  async get(viewerId: string | null, id: string): Promise<MediaView> {
    const row = await this.db.selectFrom('media').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', 'No such media.');
    const access = await canView(this.db, viewerId, row);
    if (!access.visible) throw new AppError('NOT_FOUND', 'No such media.');
    return presentMedia(row, { viewerIsOwner: viewerId === row.owner_id, isPublic: access.public, urls: this.urls });
  }

  async present(row: MediaRow, viewerId: string | null): Promise<MediaView> {
    const access = await canView(this.db, viewerId, row);
    return presentMedia(row, { viewerIsOwner: viewerId === row.owner_id, isPublic: access.public, urls: this.urls });
  }
}
