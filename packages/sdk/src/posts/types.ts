import type { RouterInputs, RouterOutputs } from '../types.js';
import type { PageOptions } from '../paginate.js';
import type { UploadProgress } from '../media/types.js';

/**
 * A post as a viewer sees it: author, caption, photos and videos with their URLs, counts, the viewer's like.
 *
 * Clients must respect `sensitive`: a post its author or a moderator marked sensitive is shown
 * covered (its ThumbHash placeholder blurred, say) until the viewer asks to see it, unless the
 * viewer's account setting `PrivateUser.showSensitive` is on.
 */
export type PostView = RouterOutputs['posts']['get'];
/** One photo or video of a post's carousel, told apart by `kind` as a `MediaView` is. */
export type PostMediaView = PostView['media'][number];
/** Where a post was taken. */
export type PostLocation = NonNullable<PostView['location']>;
/** `public`: anyone; `followers`: the author's (approved) followers. */
export type PostVisibility = PostView['visibility'];

/** What `posts.create` takes: 1–10 ready media ids of yours, a caption, a visibility… */
export type CreatePostInput = RouterInputs['posts']['create'];

/** What `posts.update` can change; omitted fields stay as they are, `location: null` removes it. */
export type UpdatePostInput = Omit<RouterInputs['posts']['update'], 'id'>;

/** Whose grid: by id or by username, and where to start. */
export type PostsByUserInput = ({ userId: string } | { username: string }) & PageOptions;

/** Options of `posts.publish`. */
export interface PublishOptions {
  caption?: string | undefined;
  /** Default `public`. */
  visibility?: PostVisibility | undefined;
  location?: PostLocation | undefined;
  /**
   * The post's idempotency key. By default one is made for the call, so a retried request never
   * makes a second post; pass your own to make retries of the whole call (after a crash) safe too.
   */
  idempotencyKey?: string | undefined;
  /** Keep the photos' GPS positions (visible only to you). */
  keepLocation?: boolean | undefined;
  /**
   * Refuse a file bigger than this before sending it (default 25 MiB, the server's default). Pass
   * the server's own limit, `(await client.instance.info()).limits.uploadBytes`, when it was changed.
   */
  maxBytes?: number | undefined;
  /** Refuse a video bigger than this before sending it (default 512 MiB; the server's is `limits.videoBytes`). */
  maxVideoBytes?: number | undefined;
  /** Aborts the uploads and the post; the promise rejects with a `NetworkError`. */
  signal?: AbortSignal | undefined;
  /** Called as each file uploads; `file` is its index in `files`. */
  onProgress?: ((progress: PublishProgress) => void) | undefined;
}

export interface PublishProgress extends UploadProgress {
  /** Index of the file in the `files` given. */
  file: number;
  files: number;
}
