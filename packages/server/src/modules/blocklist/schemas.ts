import { z } from 'zod';
import { idSchema } from '../shared/ids.js';
import { PERCEPTUAL_HASH_PATTERN } from './hashes.js';

/** A perceptual hash as 16 hex digits, either case; lower case from here on. */
export const perceptualHashSchema = z
  .string()
  .regex(/^[0-9a-fA-F]{16}$/, 'A perceptual hash is 16 hex digits.')
  .transform((s) => s.toLowerCase())
  .refine((s) => PERCEPTUAL_HASH_PATTERN.test(s));

export const REASON_MAX = 500;

export const addFromMediaInput = z.object({
  mediaId: idSchema,
  reason: z.string().trim().max(REASON_MAX).optional(),
});

export const removeInput = z.object({ hash: perceptualHashSchema });

export const listInput = z
  .object({
    /** Default 100, at most 1,000. */
    limit: z.number().int().min(1).max(1000).optional(),
  })
  .optional();

export type AddFromMediaInput = z.infer<typeof addFromMediaInput>;
export type ListInput = z.infer<typeof listInput>;
