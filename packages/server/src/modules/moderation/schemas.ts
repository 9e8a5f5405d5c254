import { z } from 'zod';
import { usernameRefSchema } from '../accounts/schemas.js';
import { idSchema } from '../shared/ids.js';
import { pageInput } from '../shared/pagination.js';

export const REPORT_TARGET_KINDS = ['post', 'comment', 'user'] as const;
export const REPORT_REASONS = ['spam', 'nudity', 'violence', 'harassment', 'illegal', 'other'] as const;
export const ROLES = ['user', 'moderator', 'admin'] as const;

/** Characters a report's note holds at most, after trimming. */
export const MAX_REPORT_NOTE_LENGTH = 1_000;
/** Characters a moderator's reason holds at most, after trimming. */
export const MAX_ACTION_REASON_LENGTH = 1_000;

/** What a report or a moderator's look is about. */
export const targetInput = z.object({ kind: z.enum(REPORT_TARGET_KINDS), id: idSchema });

export const createReportInput = z.object({
  target: targetInput,
  reason: z.enum(REPORT_REASONS),
  note: z
    .string()
    .trim()
    .max(MAX_REPORT_NOTE_LENGTH, `A note is at most ${MAX_REPORT_NOTE_LENGTH.toLocaleString('en')} characters.`)
    .default(''),
});

export const myReportsInput = z.object({ ...pageInput });

export const queueInput = z.object({ state: z.enum(['open', 'resolved']).default('open'), ...pageInput });

export const showInput = z.object({ target: targetInput });

const reason = z
  .string()
  .trim()
  .min(1, 'Give a reason: it goes to the audit log and to the person affected.')
  .max(MAX_ACTION_REASON_LENGTH, `A reason is at most ${MAX_ACTION_REASON_LENGTH.toLocaleString('en')} characters.`);

/** An action on a post or a comment, by id. */
export const contentActionInput = z.object({ id: idSchema, reason });

/** An action on an account, by id or username (a suspended account is found by either). */
export const accountActionInput = z
  .object({ userId: idSchema.optional(), username: usernameRefSchema.optional(), reason })
  .refine((v) => (v.userId === undefined) !== (v.username === undefined), {
    message: 'Give either userId or username.',
  });

/** Close a target's open reports without acting on it. */
export const dismissInput = z.object({ target: targetInput, reason });

export const setRoleInput = z
  .object({ userId: idSchema.optional(), username: usernameRefSchema.optional(), role: z.enum(ROLES), reason })
  .refine((v) => (v.userId === undefined) !== (v.username === undefined), {
    message: 'Give either userId or username.',
  });

/** Release a word filter's hold (`moderation.held` lists them). */
export const releaseHoldInput = z.object({ holdId: idSchema, reason });

export const heldInput = z.object({ ...pageInput });

export const logInput = z.object({ moderatorId: idSchema.optional(), targetUserId: idSchema.optional(), ...pageInput });

export type TargetInput = z.infer<typeof targetInput>;
export type CreateReportInput = z.infer<typeof createReportInput>;
export type MyReportsInput = z.infer<typeof myReportsInput>;
export type QueueInput = z.infer<typeof queueInput>;
export type ContentActionInput = z.infer<typeof contentActionInput>;
export type AccountActionInput = z.infer<typeof accountActionInput>;
export type DismissInput = z.infer<typeof dismissInput>;
export type SetRoleInput = z.infer<typeof setRoleInput>;
export type LogInput = z.infer<typeof logInput>;
export type ReleaseHoldInput = z.infer<typeof releaseHoldInput>;
export type HeldInput = z.infer<typeof heldInput>;
