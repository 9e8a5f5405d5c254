import type { Kysely } from 'kysely';
import { preparedQuery, type ParamRefs } from '../../db/prepared-query.js';
import type { Database, PostRow } from '../../db/schema.js';
import { loadUsers } from '../accounts/load-users.js';
import { presentPublicUser, type AvatarUrls } from '../accounts/presenter.js';
import { presentMedia } from '../media/presenter.js';
import type { MediaView } from '../media/types.js';
import type { MediaUrlSigner } from '../media/urls.js';
import type { PostAccess } from '../visibility/post-access.js';
import { isPubliclyVisible } from '../visibility/post-policy.js';
import type { PostMediaKey, PostMediaView, PostView } from './types.js';
import { viewerReactions } from '../engagement/viewer-reactions.js';

const mediaOfPosts = preparedQuery((db, p: ParamRefs<{ postIds: string[] }>) =>
  db
    .selectFrom('post_media')
    .innerJoin('media', 'media.id', 'post_media.media_id')
    .selectAll('media')
    .select(['post_media.post_id', 'post_media.position'])
    .where(p.idIn('post_media.post_id', 'postIds'))
    .orderBy('post_media.position', 'asc'),
);

export interface HydrateDeps {
  db: Kysely<Database>;
  urls: MediaUrlSigner;
  avatarUrls: AvatarUrls;
}

/**
 * Turns post rows the viewer may see into PostViews with one query per kind of thing (media, the
 * viewer's likes; authors come with `access`), whatever the number of posts: the presentation
 * stage of the post-list pipeline (`pipeline.ts`), run only on the rows that passed its rules.
 */
export async function hydratePosts(
  deps: HydrateDeps,
  viewerId: string | null,
  posts: PostRow[],
  access: PostAccess,
): Promise<PostView[]> {
  if (posts.length === 0) return [];
  const { db } = deps;
  const postIds = posts.map((p) => p.id);
  const authorIds = [...new Set(posts.map((p) => p.author_id))];
  // The access check loaded the authors' rows already; load only any it was not asked about.
  const missing = authorIds.filter((id) => access.author(id) === undefined);
  const [loadedById, media, reactionByPost] = await Promise.all([
    loadUsers(db, missing),
    mediaOfPosts.execute(db, { postIds }),
    viewerReactions(db, viewerId, postIds),
  ]);

  return posts.flatMap((post) => {
    const author = access.author(post.author_id) ?? loadedById.get(post.author_id);
    if (!author) return [];
    const isPublic = isPubliclyVisible(access.facts(post));
    const reaction = reactionByPost.get(post.id) ?? null;
    return [
      {
        id: post.id,
        author: presentPublicUser(author, deps.avatarUrls),
        caption: post.caption,
        location:
          post.location_name !== null && post.location_lat !== null && post.location_lng !== null
            ? { name: post.location_name, lat: post.location_lat, lng: post.location_lng }
            : null,
        visibility: post.visibility,
        commentsEnabled: post.comments_enabled === 1,
        sensitive: post.sensitive !== 0,
        media: media
          .filter((m) => m.post_id === post.id)
          .map((m) => postMedia(presentMedia(m, { viewerIsOwner: false, isPublic, urls: deps.urls }))),
        likeCount: post.like_count,
        commentCount: post.comment_count,
        viewerHasLiked: reaction !== null,
        viewerReaction: reaction,
        createdAt: post.created_at,
        updatedAt: post.updated_at,
      },
    ];
  });
}

/** What a post shows of a media view; a photo's stays a photo's and a video's a video's. */
function postMedia(view: MediaView): PostMediaView {
  // Each branch narrows `view`, so `pickPostMedia` returns that kind's shape.
  return view.kind === 'video' ? pickPostMedia(view) : pickPostMedia(view);
}

/** The post's fields of `view`, in the order a post's media has on the wire. */
function pickPostMedia<V extends MediaView>(view: V): Pick<V, PostMediaKey> {
  return {
    id: view.id,
    kind: view.kind,
    durationMs: view.durationMs,
    width: view.width,
    height: view.height,
    aspectRatio: view.aspectRatio,
    thumbhash: view.thumbhash,
    dominantColor: view.dominantColor,
    urls: view.urls,
    renditions: view.renditions,
  };
}
