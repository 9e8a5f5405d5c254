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

/** Photos one post carries at most (a carousel). */
export const MAX_POST_PHOTOS = 10;
/** Characters a caption holds at most, after trimming (as JavaScript counts them: UTF-16 units). */
export const MAX_CAPTION_LENGTH = 2_200;

export const createPostInput = z.object({
  mediaIds: z
    .array(id)
    .min(1, 'A post needs at least one photo.')
    .max(MAX_POST_PHOTOS, `A post has at most ${MAX_POST_PHOTOS} photos.`)
    .refine((ids) => new Set(ids).size === ids.length, { message: 'A photo appears twice.' }),
  caption: z
    .string()
    .trim()
    .max(MAX_CAPTION_LENGTH, `Captions are at most ${MAX_CAPTION_LENGTH.toLocaleString('en')} characters.`)
    .default(''),
  location: locationInput.optional(),
  visibility: visibilityInput.default('public'),
  /** Nudity, violence or the like: clients blur it until the viewer asks to see it. */
  sensitive: z.boolean().default(false),
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
    caption: z
      .string()
      .trim()
      .max(MAX_CAPTION_LENGTH, `Captions are at most ${MAX_CAPTION_LENGTH.toLocaleString('en')} characters.`)
      .optional(),
    location: locationInput.nullable().optional(),
    visibility: visibilityInput.optional(),
    commentsEnabled: z.boolean().optional(),
    sensitive: z.boolean().optional(),
  })
  .refine((v) => Object.keys(v).length > 1, { message: 'Nothing to update.' });

export type CreatePostInput = z.infer<typeof createPostInput>;
export type ByUserInput = z.infer<typeof byUserInput>;
export type UpdatePostInput = z.infer<typeof updatePostInput>;
