import { z } from 'zod';
import { ID_PATTERN, isCanonicalId, MAX_ID } from '../../ids/canonical.js';

export const ID_MESSAGE = `Not an id: ids are decimal strings without sign or leading zeros, at most ${MAX_ID}.`;

/**
 * Every id a procedure takes (posts, users, media, comments, sessions, notifications, cursors'
 * insides). The pattern alone shows in generated schemas; the range check keeps a 20-digit number
 * past 2^63 − 1 from reaching a BIGINT comparison, which Postgres refuses with an error.
 */
export const idSchema = z.string().regex(ID_PATTERN, ID_MESSAGE).refine(isCanonicalId, ID_MESSAGE);
