import { z } from 'zod';
import { isCanonicalId } from '../../ids/canonical.js';
import { AppError } from '../../errors/app-error.js';

/** A page of a list: `nextCursor` is null on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const DEFAULT_PAGE_SIZE = 20;
/** The largest page of every list (feeds and search included), as docs/api.md and the SDK promise. */
export const MAX_PAGE_SIZE = 100;

/**
 * Input fields every cursor-paginated procedure accepts, spread into its input object. Cursors are
 * the server's own (the longest, a ranked feed's, is under 100 characters): 200 leaves room.
 */
export const pageInput = {
  cursor: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
};

/**
 * Cursors are opaque to clients (base64url of the last item's sort key: an id, since ids sort by
 * time), so the server may change what they hold without breaking anyone.
 */
export function encodeCursor(lastId: string): string {
  return Buffer.from(`v1:${lastId}`).toString('base64url');
}

/** The id a cursor points after, or undefined for the first page. Throws VALIDATION_FAILED on garbage. */
export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = text.startsWith('v1:') ? text.slice(3) : undefined;
  // Only an id as the server writes it: a forged `v1:007` or one past 2^63 − 1 is refused here,
  // not compared loosely (SQLite) or rejected by Postgres as out of range (a 500).
  if (!isCanonicalId(id)) throw new AppError('VALIDATION_FAILED', 'That cursor is not valid here.');
  return id;
}

/**
 * Build a page from rows fetched with `limit + 1` (the extra row tells whether another page exists);
 * `present` turns the page's rows into its items. The cursor is the last row's id: a list that
 * drops rows the viewer may not see does it after this, so cursors stay stable and a page may hold
 * fewer than `limit` items while `nextCursor` is still set.
 */
export function toPage<R extends { id: string }, T>(rows: R[], limit: number, present: (rows: R[]) => T[]): Page<T> {
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  const last = pageRows.at(-1);
  return { items: present(pageRows), nextCursor: more && last ? encodeCursor(last.id) : null };
}
