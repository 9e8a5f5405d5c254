import { z } from 'zod';

/** Deleting an account asks for its password again: a session left open elsewhere is not enough. */
export const deleteAccountInput = z.object({
  password: z.string().min(1, 'Enter your password.').max(256),
});

export type DeleteAccountInput = z.infer<typeof deleteAccountInput>;
