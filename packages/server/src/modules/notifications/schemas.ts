import { z } from 'zod';
import { idSchema } from '../shared/ids.js';
import { pageInput } from '../shared/pagination.js';

export const listNotificationsInput = z.object(pageInput);

export const markReadInput = z
  .object({ ids: z.array(idSchema).min(1).max(500).optional(), all: z.literal(true).optional() })
  .refine((v) => (v.ids === undefined) !== (v.all === undefined), { message: 'Give either ids or all: true.' });

/** `lastEventId` is filled in by tRPC's httpSubscriptionLink when it reconnects. */
export const onNewInput = z.object({ lastEventId: idSchema.nullish() }).optional();

export type ListNotificationsInput = z.infer<typeof listNotificationsInput>;
export type MarkReadInput = z.infer<typeof markReadInput>;
