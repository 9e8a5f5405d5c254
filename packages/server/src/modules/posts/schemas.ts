import { z } from 'zod';
import { usernameRefSchema } from '../accounts/schemas.js';
import { idSchema } from '../shared/ids.js';
import { pageInput } from '../shared/pagination.js';

const id = idSchema;

export const locationInput = z.object({
  name: z.string().trim().min(1).max(100),
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
});

export const visibilityInput = z.enum(['public', 'followers']);

export const createPostInput = z.object({
  mediaIds: z
    .array(id)
    .min(1, 'A post needs at least one photo.')
    .max(10, 'A post has at most 10 photos.')
    .refine((ids) => new Set(ids).size === ids.length, { message: 'A photo appears twice.' }),
  caption: z.string().trim().max(2_200, 'Captions are at most 2,200 characters.').default(''),
  location: locationInput.optional(),
  visibility: visibilityInput.default('public'),
  /** Retrying with the same key within 24 h returns the first post instead of making another. */
  idempotencyKey: z.string().min(1).max(255).optional(),
});

export const postIdInput = z.object({ id });

export const byUserInput = z
  .object({ userId: id.optional(), username: usernameRefSchema.optional(), ...pageInput })
  .refine((v) => (v.userId === undefined) !== (v.username === undefined), {
    message: 'Give either userId or username.',
  });

export const updatePostInput = z
  .object({
    id,
    caption: z.string().trim().max(2_200, 'Captions are at most 2,200 characters.').optional(),
    location: locationInput.nullable().optional(),
    visibility: visibilityInput.optional(),
    commentsEnabled: z.boolean().optional(),
  })
  .refine((v) => Object.keys(v).length > 1, { message: 'Nothing to update.' });

export type CreatePostInput = z.infer<typeof createPostInput>;
export type ByUserInput = z.infer<typeof byUserInput>;
export type UpdatePostInput = z.infer<typeof updatePostInput>;
