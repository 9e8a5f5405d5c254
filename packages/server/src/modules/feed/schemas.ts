import { z } from 'zod';
import { pageInput } from '../shared/pagination.js';

export const feedHomeInput = z.object({
  ...pageInput,
  order: z.enum(['latest', 'ranked']).default('latest'),
});
export type FeedHomeInput = z.infer<typeof feedHomeInput>;

export const feedHashtagInput = z.object({
  // With or without the `#`, any case: the tag lookup normalises it as tags are stored.
  tag: z.string().trim().min(1).max(101),
  ...pageInput,
});
export type FeedHashtagInput = z.infer<typeof feedHashtagInput>;
