import type { TRPCClient } from '@trpc/client';
import type { AppRouter } from '@aperture/server';
import type { RouterOutputs } from '../types.js';

/**
 * What the server checks input against — photos per post, bytes per upload, caption and comment
 * lengths — and the rule that makes a hashtag trend. The same for everyone; no sign-in needed.
 */
export type InstanceInfo = RouterOutputs['instance']['info'];

export interface InstanceApi {
  /**
   * This server's limits, to check input against before sending anything.
   *
   * @example
   * ```ts
   * const { limits } = await client.instance.info()
   * if (files.length > limits.photosPerPost) throw new Error(`${limits.photosPerPost} photos at most`)
   * await client.posts.publish(files, { maxBytes: limits.uploadBytes })
   * ```
   */
  info(): Promise<InstanceInfo>;
}

export function createInstanceApi(trpc: TRPCClient<AppRouter>): InstanceApi {
  return { info: () => trpc.instance.info.query() };
}
