import type { PublicUser } from '../accounts/types.js';
import type { GeoPoint, MediaUrls, RenditionQuality, Variant } from '../media/types.js';

export interface PostLocation extends GeoPoint {
  name: string;
}

/** One photo or video of a post's carousel. */
export interface PostMediaView {
  id: string;
  kind: 'image' | 'video';
  /** Videos: their length. Null for photos. */
  durationMs: number | null;
  width: number | null;
  height: number | null;
  aspectRatio: number | null;
  thumbhash: string | null;
  dominantColor: string | null;
  /** Public posts: plain immutable URLs. Otherwise signed URLs valid for about an hour. */
  urls: Partial<Record<Variant, MediaUrls>>;
  /** Videos: the MP4 renditions, by quality, signed or plain as `urls` are. Empty for photos. */
  renditions: Partial<Record<RenditionQuality, string>>;
}

export interface PostView {
  id: string;
  author: PublicUser;
  caption: string;
  location: PostLocation | null;
  visibility: 'public' | 'followers';
  commentsEnabled: boolean;
  media: PostMediaView[];
  likeCount: number;
  commentCount: number;
  /** Whether the viewer liked it, and with which reaction. */
  viewerHasLiked: boolean;
  viewerReaction: string | null;
  createdAt: string;
  updatedAt: string;
}
