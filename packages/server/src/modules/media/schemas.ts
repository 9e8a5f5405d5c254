import { z } from 'zod';
import { idSchema } from '../shared/ids.js';

const id = idSchema;

export const createUploadInput = z.object({
  // 0 is let through to the service, which answers UNSUPPORTED_MEDIA_TYPE: an empty file is no image.
  size: z.number().int().min(0),
  // Checked against the accepted list by the service, so an unsupported type gets its own code.
  contentType: z.string().min(1).max(100),
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'sha256 must be 64 hex characters.')
    .transform((s) => s.toLowerCase()),
  filename: z.string().max(255).optional(),
  keepLocation: z.boolean().optional(),
});

export const uploadIdInput = z.object({ uploadId: id });

export const completeUploadInput = z.object({
  uploadId: id,
  parts: z
    .array(z.object({ partNumber: z.number().int().min(1).max(10_000), etag: z.string().min(1).max(200) }))
    .max(10_000)
    .optional(),
});

export const mediaIdInput = z.object({ id });

export type CreateUploadInput = z.infer<typeof createUploadInput>;
export type CompleteUploadInput = z.infer<typeof completeUploadInput>;
