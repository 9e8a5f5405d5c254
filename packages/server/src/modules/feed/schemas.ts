import { z } from 'zod';

export const feedHomeInput = z.object({
  cursor: z.string().max(300).optional(),
  limit: z.number().int().min(1).max(50).optional(),
  order: z.enum(['latest', 'ranked']).default('latest'),
});
export type FeedHomeInput = z.infer<typeof feedHomeInput>;

export const feedHashtagInput = z.object({
  // With or without the `#`, any case: the tag lookup normalises it as tags are stored.
  tag: z.string().trim().min(1).max(101),
  cursor: z.string().max(300).optional(),
  limit: z.number().int().min(1).max(50).optional(),
});
export type FeedHashtagInput = z.infer<typeof feedHashtagInput>;
