import type { PublicUser } from '../accounts/types.js';
import type { GeoPoint, ImageMediaView, VideoMediaView } from '../media/types.js';

export interface PostLocation extends GeoPoint {
  name: string;
}

/** What a post shows of each of its media items (the rest of a media view is its owner's business). */
export type PostMediaKey =
  | 'id'
  | 'kind'
  | 'durationMs'
  | 'width'
  | 'height'
  | 'aspectRatio'
  | 'thumbhash'
  | 'dominantColor'
  | 'urls'
  | 'renditions';

/**
 * One photo or video of a post's carousel, told apart by `kind` as media views are. Public posts'
 * `urls` and `renditions` are plain immutable URLs, others' are signed URLs valid for about an hour.
 */
export type PostMediaView = Pick<ImageMediaView, PostMediaKey> | Pick<VideoMediaView, PostMediaKey>;

export interface PostView {
  id: string;
  author: PublicUser;
  caption: string;
  location: PostLocation | null;
  visibility: 'public' | 'followers';
  commentsEnabled: boolean;
  /** Marked sensitive by its author or a moderator: clients decide how to blur it. */
  sensitive: boolean;
  media: PostMediaView[];
  likeCount: number;
  commentCount: number;
  /** Whether the viewer liked it, and with which reaction. */
  viewerHasLiked: boolean;
  viewerReaction: string | null;
  createdAt: string;
  updatedAt: string;
}
