import type { Db } from '../../db/connect.js';
import type { Reads } from '../../db/reads.js';
import type { UserRow } from '../../db/schema.js';
import type { Clock } from '../../clock.js';
import { AppError } from '../../errors/app-error.js';
import type { Outbox } from '../../events/outbox.js';
import { presentPrivateUser, type AvatarUrls } from '../accounts/presenter.js';
import type { PrivateUser, Viewer } from '../accounts/types.js';
import { loadPair, noSuchUser, resolveUser, toRelationship } from '../graph/pair.js';
import type { MediaReader } from '../media/media-reader.js';
import type { MediaScreen } from '../media/screen.js';
import type { MediaUrls } from '../media/types.js';
import { presentProfile } from './presenter.js';
import type { ProfileInput, UpdateProfileInput } from './schemas.js';
import type { Profile } from './types.js';

export interface ProfilesServiceDeps {
  db: Db;
  /** Where profile headers are read: the replica when it fits the viewer, else the primary. */
  reads: Reads;
  clock: Clock;
  avatarUrls: AvatarUrls;
  /** Finds the viewer's media when it becomes their avatar. */
  reader: Pick<MediaReader, 'row'>;
  /** Profile changes are written through it, with the event a change of privacy causes. */
  outbox: Outbox;
  /** The content rules: media blocked after it was processed cannot become an avatar (default: none). */
  screen?: MediaScreen;
}

/**
 * A user's public face: the profile header others read, and what its owner edits on it (name,
 * bio, privacy, avatar). Signing in and sessions are the accounts module's; follows, blocks and
 * mutes the graph's.
 */
export class ProfilesService {
  constructor(private readonly deps: ProfilesServiceDeps) {}

  /** A profile header: the user, their counts, and how the viewer stands with them. */
  profile(viewer: Viewer | null, ref: ProfileInput): Promise<Profile> {
    return this.deps.reads.run(viewer, async (db) => {
      const user = await resolveUser(db, ref);
      const pair = viewer ? await loadPair(db, viewer.userId, user.id) : null;
      if (pair && (pair.blocking || pair.blockedBy)) throw noSuchUser();
      return presentProfile(user, pair ? toRelationship(pair) : null, this.deps.avatarUrls);
    });
  }

  /** Change the viewer's display name, bio or privacy; answers with their account as it now is. */
  async update(viewer: Viewer, input: UpdateProfileInput): Promise<PrivateUser> {
    const { clock, outbox } = this.deps;
    await outbox.write(async (trx, emit) => {
      await trx
        .updateTable('users')
        .set({
          ...(input.displayName !== undefined ? { display_name: input.displayName } : {}),
          ...(input.bio !== undefined ? { bio: input.bio } : {}),
          ...(input.showSensitive !== undefined ? { show_sensitive: input.showSensitive ? 1 : 0 } : {}),
          updated_at: clock.now().toISOString(),
        })
        .where('id', '=', viewer.userId)
        .execute();
      if (input.isPrivate === undefined) return;
      const isPrivate = input.isPrivate ? 1 : 0;
      // Going public approves nothing: pending requests stay pending until their owner decides.
      const changed = await trx
        .updateTable('users')
        .set({ is_private: isPrivate })
        .where('id', '=', viewer.userId)
        .where('is_private', '<>', isPrivate)
        .executeTakeFirst();
      if (changed.numUpdatedRows === 0n) return;
      // What was derived from the account being public (hashtag rows' public flag) follows.
      await emit({ type: 'account.privacy_changed', userId: viewer.userId });
    });
    return presentPrivateUser(await this.ownRow(viewer), this.deps.avatarUrls);
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
    if (await this.deps.screen?.blocksAny([media.perceptual_hash])) throw new AppError('MEDIA_BLOCKED');
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
    return { avatar: this.deps.avatarUrls(mediaId) };
  }

  /** The viewer's own row; gone only if the account was deleted under a live session. */
  private async ownRow(viewer: Viewer): Promise<UserRow> {
    const row = await this.deps.db.kysely
      .selectFrom('users')
      .selectAll()
      .where('id', '=', viewer.userId)
      .executeTakeFirst();
    if (!row) throw new AppError('UNAUTHENTICATED', 'This account no longer exists.');
    return row;
  }
}
