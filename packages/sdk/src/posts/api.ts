import type { TRPCClient } from '@trpc/client';
import type { AppRouter } from '@aperture/server';
import type { MediaApi } from '../media/api.js';
import type { UploadInput } from '../media/types.js';
import { pageInput, paginate, type Paginator } from '../paginate.js';
import type { RetryPolicy } from '../retry.js';
import type { RouterOutputs } from '../types.js';
import { newIdempotencyKey, retryIdempotent } from '../retry-idempotent.js';
import { publishPost } from './publish.js';
import type { CreatePostInput, PostsByUserInput, PostView, PublishOptions, UpdatePostInput } from './types.js';

/** A post's figures for its author: views (may lag a few seconds), likes, comments. */
export type PostInsights = RouterOutputs['views']['insights'];

export interface PostsDeps {
  trpc: TRPCClient<AppRouter>;
  media: MediaApi;
  /** The client's retry settings; `posts.create` follows them too, as it is safe to resend. */
  retry: RetryPolicy;
}

export interface PostsApi {
  /**
   * Uploads each file (as {@link MediaApi.upload}: hashed, sent, processed; a file sent before is
   * not sent again), then publishes them as one post, in the order given. One idempotency key is
   * made per call, so the SDK's own retries of a post whose answer was lost never post twice.
   *
   * @example
   * ```ts
   * const post = await client.posts.publish(['beach.jpg', 'sunset.jpg'], {
   *   caption: 'Last light',
   *   visibility: 'followers',
   * })
   * console.log(post.id, post.media.length)
   * ```
   */
  publish(files: UploadInput | UploadInput[], options?: PublishOptions): Promise<PostView>;
  /**
   * Publishes a post of 1–10 of your ready photos (their media ids). Sent with an idempotency key
   * (yours, or one made for the call) and retried with it on network errors, 5xx and 429 (as the
   * client's `retry` option says), so it posts at most once. The same key with other parameters within 24 h is a `ConflictError`.
   *
   * @example
   * ```ts
   * const media = await client.media.upload('beach.jpg')
   * const post = await client.posts.create({ mediaIds: [media.id], caption: 'Morning swim' })
   * ```
   */
  create(input: CreatePostInput, options?: { signal?: AbortSignal | undefined }): Promise<PostView>;
  /**
   * A post, if you may see it; a `NotFoundError` otherwise (a post you may not see looks exactly
   * like a missing one).
   *
   * @example
   * ```ts
   * const post = await client.posts.get(postId)
   * console.log(post.author.username, post.likeCount, post.viewerHasLiked)
   * ```
   */
  get(id: string): Promise<PostView>;
  /**
   * A profile grid, newest first: the user's posts you may see. Returns a {@link Paginator}.
   *
   * @example
   * ```ts
   * const firstPage = await client.posts.byUser({ username: 'ada' })
   * for await (const post of client.posts.byUser({ username: 'ada' })) console.log(post.id, post.caption)
   * ```
   */
  byUser(input: PostsByUserInput): Paginator<PostView>;
  /**
   * Changes the caption, location, visibility, or whether comments are on. Author only. A change
   * of visibility applies everywhere at once.
   *
   * @example
   * ```ts
   * await client.posts.update(postId, { visibility: 'followers', commentsEnabled: false })
   * ```
   */
  update(id: string, changes: UpdatePostInput): Promise<PostView>;
  /**
   * Deletes a post of yours: it disappears from every read at once; its likes, comments and
   * unused photos are cleaned up after. Deleting it again is not an error.
   *
   * @example
   * ```ts
   * await client.posts.delete(postId)
   * ```
   */
  delete(id: string): Promise<void>;
  /**
   * Counts a view of a post you may see (signed in or not); repeat views within a few minutes
   * count once. `counted` says whether this one did. A post you may not see is a `NotFoundError`.
   *
   * @example
   * ```ts
   * await client.posts.view(postId)
   * ```
   */
  view(id: string): Promise<{ counted: boolean }>;
  /**
   * Views, likes and comments of one of your posts. Someone else's post you can see is a
   * `PermissionError`; one you cannot see, a `NotFoundError`.
   *
   * @example
   * ```ts
   * const { views, likes, comments } = await client.posts.insights(postId)
   * ```
   */
  insights(id: string): Promise<PostInsights>;
}

export function createPostsApi(deps: PostsDeps): PostsApi {
  const { trpc } = deps;
  const create: PostsApi['create'] = (input, options = {}) => {
    const body = { ...input, idempotencyKey: input.idempotencyKey ?? newIdempotencyKey() };
    return retryIdempotent((signal) => trpc.posts.create.mutate(body, { signal }), options.signal, deps.retry);
  };
  return {
    publish: (files, options = {}) => publishPost({ media: deps.media, create }, files, options),
    create,
    get: (id) => trpc.posts.get.query({ id }),
    byUser: (input) => {
      const user = 'userId' in input ? { userId: input.userId } : { username: input.username };
      return paginate((cursor) => trpc.posts.byUser.query({ ...user, ...pageInput(input, cursor) }), input.cursor);
    },
    update: (id, changes) => trpc.posts.update.mutate({ ...changes, id }),
    delete: async (id) => {
      await trpc.posts.delete.mutate({ id });
    },
    view: (id) => trpc.views.record.mutate({ id }),
    insights: (id) => trpc.views.insights.query({ id }),
  };
}
