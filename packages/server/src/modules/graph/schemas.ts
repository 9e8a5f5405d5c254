import { z } from 'zod';
import { usernameRefSchema } from '../accounts/schemas.js';
import { idSchema } from '../shared/ids.js';
import { pageInput } from '../shared/pagination.js';

const userId = idSchema;
const username = usernameRefSchema;

const userRef = { userId: userId.optional(), username: username.optional() };
const exactlyOne = (v: { userId?: string | undefined; username?: string | undefined }) =>
  (v.userId === undefined) !== (v.username === undefined);
const exactlyOneMessage = { message: 'Give either userId or username.' };

/** Names one user, by id or by username. */
export const userRefInput = z.object(userRef).refine(exactlyOne, exactlyOneMessage);

/** A user's followers or following, a page at a time. */
export const userListInput = z.object({ ...userRef, ...pageInput }).refine(exactlyOne, exactlyOneMessage);

export const requestsListInput = z.object(pageInput);

export type UserRef = z.infer<typeof userRefInput>;
export type UserListInput = z.infer<typeof userListInput>;
export type RequestsListInput = z.infer<typeof requestsListInput>;
