import { z } from 'zod';
import { idSchema } from '../shared/ids.js';
import { nameText } from '../shared/text.js';

const RESERVED_USERNAMES = new Set([
  'admin',
  'administrator',
  'root',
  'aperture',
  'api',
  'www',
  'support',
  'help',
  'settings',
  'explore',
  'login',
  'logout',
  'register',
  'me',
  'media',
  'uploads',
  'trpc',
  'healthz',
  'readyz',
  'metrics',
]);

/** 3–30 of [a-z0-9_.], stored lower-case so uniqueness is case-insensitive (`Ana` is `ana`). */
export const usernameSchema = nameText(z.string().trim().toLowerCase())
  .min(3, 'Username must be at least 3 characters.')
  .max(30, 'Username must be at most 30 characters.')
  .regex(/^[a-z0-9_.]+$/, 'Username may contain only letters, digits, "_" and ".".')
  .refine((u) => !u.startsWith('.') && !u.endsWith('.') && !u.includes('..'), {
    message: 'Username cannot start or end with "." or contain "..".',
  })
  .refine((u) => !RESERVED_USERNAMES.has(u), { message: 'That username is reserved.' });

/** A username to look someone up by: no format rule (an unknown name is NOT_FOUND), but still a name. */
export const usernameRefSchema = nameText(z.string().trim().toLowerCase()).min(1).max(30);

export const emailSchema = z.string().trim().max(254).pipe(z.email('Enter a valid email address.'));

export const passwordSchema = z
  .string()
  .min(10, 'Password must be at least 10 characters.')
  // Bounded so a megabyte "password" cannot be used to burn CPU in the hasher.
  .max(256, 'Password must be at most 256 characters.');

export const displayNameSchema = nameText(z.string().trim()).max(64, 'Display name must be at most 64 characters.');
export const bioSchema = z.string().trim().max(150, 'Bio must be at most 150 characters.');

export const registerInput = z.object({
  username: usernameSchema,
  email: emailSchema,
  password: passwordSchema,
  displayName: displayNameSchema.optional(),
});

export const loginInput = z.object({
  /** A username or the account's email. */
  username: nameText(z.string().trim()).min(1, 'Enter your username or email.').max(254),
  password: z.string().min(1, 'Enter your password.').max(256),
});

export const revokeSessionInput = z.object({ sessionId: idSchema });

export type RegisterInput = z.infer<typeof registerInput>;
export type LoginInput = z.infer<typeof loginInput>;
