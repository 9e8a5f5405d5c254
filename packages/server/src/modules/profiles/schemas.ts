import { z } from 'zod';
import { bioSchema, displayNameSchema } from '../accounts/schemas.js';
import { userRefInput } from '../graph/schemas.js';
import { idSchema } from '../shared/ids.js';

/** Whose profile header: one user, by id or by username (the same reference the graph takes). */
export const profileInput = userRefInput;

export const updateProfileInput = z
  .object({
    displayName: displayNameSchema.optional(),
    bio: bioSchema.optional(),
    /** A private account's follows become requests; existing followers stay. */
    isPrivate: z.boolean().optional(),
    /** "Always show sensitive media": a setting of the account, the same in every client. */
    showSensitive: z.boolean().optional(),
  })
  .refine((v) => Object.values(v).some((value) => value !== undefined), { message: 'Nothing to update.' });

/** One of the viewer's ready images, or `null` to remove the avatar. */
export const setAvatarInput = z.object({ mediaId: idSchema.nullable() });

export type ProfileInput = z.infer<typeof profileInput>;
export type UpdateProfileInput = z.infer<typeof updateProfileInput>;
