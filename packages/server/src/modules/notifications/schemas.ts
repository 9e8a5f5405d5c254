import { z } from 'zod';
import { pageInput } from '../shared/pagination.js';

const idString = z.string().regex(/^\d{1,20}$/, 'Not a valid id.');

export const listNotificationsInput = z.object(pageInput);

export const markReadInput = z
  .object({ ids: z.array(idString).min(1).max(500).optional(), all: z.literal(true).optional() })
  .refine((v) => (v.ids === undefined) !== (v.all === undefined), { message: 'Give either ids or all: true.' });

/** `lastEventId` is filled in by tRPC's httpSubscriptionLink when it reconnects. */
export const onNewInput = z.object({ lastEventId: idString.nullish() }).optional();

export type ListNotificationsInput = z.infer<typeof listNotificationsInput>;
export type MarkReadInput = z.infer<typeof markReadInput>;
