import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { BlobNotFoundError } from '../../storage/errors.js';
import type { TarEntry } from '../../lib/tar-writer.js';
import { extractHashtags } from '../tags/extract.js';

/** File name extensions of the originals, by the content type they were uploaded as. */
const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/avif': 'avif',
  'image/gif': 'gif',
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/webm': 'webm',
  'video/x-matroska': 'mkv',
};

/** Where an original sits in the archive: `media/<id>.<ext>`. */
export function mediaEntryName(mediaId: string, contentType: string): string {
  return `media/${mediaId}.${EXTENSIONS[contentType] ?? 'bin'}`;
}

const json = (value: unknown) => Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');

/** People an account relates to (follows, blocks, mutes), by id with their username. */
async function people(
  db: Kysely<Database>,
  table: 'follows' | 'blocks' | 'mutes',
  mine: string,
  theirs: string,
  userId: string,
): Promise<{ userId: string; username: string; createdAt: string; state?: string }[]> {
  const rows = await db
    .selectFrom(`${table} as r` as 'follows as r')
    .innerJoin('users', 'users.id', `r.${theirs}` as 'r.followee_id')
    .select(['users.id as other_id', 'users.username', 'r.created_at'])
    .$if(table === 'follows', (qb) => qb.select('r.state'))
    .where(`r.${mine}` as 'r.follower_id', '=', userId)
    .orderBy('r.created_at')
    .execute();
  return rows.map((row) => ({
    userId: row.other_id,
    username: row.username,
    createdAt: row.created_at,
    ...('state' in row && typeof row.state === 'string' ? { state: row.state } : {}),
  }));
}

/**
 * What an export holds: one JSON file per kind of data (profile, posts with captions, locations
 * and tags, comments, likes, following, followers, blocks, mutes, media) and every ready original
 * of the account's media, read from the blob store when its turn comes. `total` counts the entries.
 */
export async function archiveContents(
  db: Kysely<Database>,
  blobs: BlobStore,
  userId: string,
  now: Date,
): Promise<{ total: number; entries: TarEntry[] }> {
  const user = await db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
  const posts = await db
    .selectFrom('posts')
    .selectAll()
    .where('author_id', '=', userId)
    .where('deleted_at', 'is', null)
    .orderBy('id')
    .execute();
  const postMedia = await db
    .selectFrom('post_media')
    .innerJoin('posts', 'posts.id', 'post_media.post_id')
    .select(['post_media.post_id', 'post_media.media_id', 'post_media.position'])
    .where('posts.author_id', '=', userId)
    .where('posts.deleted_at', 'is', null)
    .orderBy('post_media.position')
    .execute();
  const media = await db
    .selectFrom('media')
    .select(['id', 'content_type', 'size', 'original_key', 'width', 'height', 'duration_ms', 'created_at', 'filename'])
    .where('owner_id', '=', userId)
    .where('status', '=', 'ready')
    .orderBy('id')
    .execute();
  const comments = await db
    .selectFrom('comments')
    .select(['id', 'post_id', 'parent_id', 'body', 'created_at'])
    .where('author_id', '=', userId)
    .where('deleted_at', 'is', null)
    .orderBy('id')
    .execute();
  const likes = await db
    .selectFrom('likes')
    .select(['post_id', 'reaction', 'created_at'])
    .where('user_id', '=', userId)
    .orderBy('id')
    .execute();

  const contentTypeOf = new Map(media.map((m) => [m.id, m.content_type]));
  const fileOf = (mediaId: string) => {
    const type = contentTypeOf.get(mediaId);
    return type === undefined ? null : mediaEntryName(mediaId, type);
  };
  const files: Record<string, unknown> = {
    'profile.json': {
      id: user.id,
      username: user.username,
      email: user.email,
      displayName: user.display_name,
      bio: user.bio,
      isPrivate: user.is_private === 1,
      role: user.role,
      createdAt: user.created_at,
      avatar:
        user.avatar_media_id === null ? null : { mediaId: user.avatar_media_id, file: fileOf(user.avatar_media_id) },
      exportedAt: now.toISOString(),
    },
    'posts.json': posts.map((post) => ({
      id: post.id,
      caption: post.caption,
      tags: extractHashtags(post.caption),
      location:
        post.location_name === null && post.location_lat === null
          ? null
          : { name: post.location_name, lat: post.location_lat, lng: post.location_lng },
      visibility: post.visibility,
      commentsEnabled: post.comments_enabled === 1,
      sensitive: post.sensitive !== 0,
      createdAt: post.created_at,
      updatedAt: post.updated_at,
      media: postMedia
        .filter((pm) => pm.post_id === post.id)
        .map((pm) => ({ mediaId: pm.media_id, position: pm.position, file: fileOf(pm.media_id) })),
    })),
    'comments.json': comments.map((c) => ({
      id: c.id,
      postId: c.post_id,
      parentId: c.parent_id,
      body: c.body,
      createdAt: c.created_at,
    })),
    'likes.json': likes.map((l) => ({ postId: l.post_id, reaction: l.reaction, createdAt: l.created_at })),
    'following.json': await people(db, 'follows', 'follower_id', 'followee_id', userId),
    'followers.json': await people(db, 'follows', 'followee_id', 'follower_id', userId),
    'blocks.json': await people(db, 'blocks', 'blocker_id', 'blocked_id', userId),
    'mutes.json': await people(db, 'mutes', 'muter_id', 'muted_id', userId),
    'media.json': media.map((m) => ({
      id: m.id,
      file: mediaEntryName(m.id, m.content_type),
      contentType: m.content_type,
      size: m.size,
      width: m.width,
      height: m.height,
      durationMs: m.duration_ms,
      filename: m.filename,
      createdAt: m.created_at,
    })),
  };
  const entries: TarEntry[] = Object.entries(files).map(([name, value]) => ({ name, mtime: now, data: json(value) }));
  for (const m of media) {
    entries.push({
      name: mediaEntryName(m.id, m.content_type),
      mtime: new Date(m.created_at),
      // An original gone from the store (a damaged deployment) is left out rather than failing the export.
      open: async () => {
        try {
          const blob = await blobs.get(m.original_key);
          return { size: blob.size, body: blob.body };
        } catch (error) {
          if (error instanceof BlobNotFoundError) return null;
          throw error;
        }
      },
    });
  }
  return { total: entries.length, entries };
}
