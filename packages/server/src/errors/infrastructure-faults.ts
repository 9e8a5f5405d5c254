import { BlobStoreUnavailableError, StorageFullError } from '../storage/errors.js';

/** What a failure of the machinery under a request (disk, database, object store) means for a retry. */
export type InfrastructureFault = 'storage-full' | 'unavailable';

/** No room to write: the volume (ENOSPC), a quota (EDQUOT), SQLite's view of either, Postgres's disk_full. */
const FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL', '53100']);

/**
 * The connection to a backing service failed, not the request: Node's socket errors, and Postgres's
 * "the server is going away or not taking connections" (admin_shutdown, crash_shutdown,
 * cannot_connect_now, too_many_connections). SQLSTATE class 08 (connection exception) is matched below.
 * Also Postgres ending a transaction that lost to another (serialization_failure, deadlock_detected):
 * it rolled back whole, so the same request again is the remedy, as after a dropped connection.
 */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '40001',
  '40P01',
]);
const CONNECTION_EXCEPTION_CLASS = /^08[0-9A-Z]{3}$/;

/** node-postgres reports a connection that died or never came with these messages and no code. */
const POSTGRES_CONNECTION_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect$/,
  /^Client has encountered a connection error and is not queryable$/,
];

/**
 * Classifies a thrown error by looking at it and its causes: `storage-full` when anything in the
 * chain says there is no room to write, `unavailable` when a connection to a backing service
 * failed, undefined otherwise (a bug, or a failure with no retry story).
 */
export function infrastructureFault(error: unknown): InfrastructureFault | undefined {
  const chain: object[] = [];
  for (let current = error; typeof current === 'object' && current !== null && chain.length < 8;) {
    if (chain.includes(current)) break;
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  if (chain.some(isFull)) return 'storage-full';
  if (chain.some(isUnavailable)) return 'unavailable';
  return undefined;
}

function codeOf(error: object): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function isFull(error: object): boolean {
  if (error instanceof StorageFullError) return true;
  const code = codeOf(error);
  return code !== undefined && FULL_CODES.has(code);
}

function isUnavailable(error: object): boolean {
  if (error instanceof BlobStoreUnavailableError) return true;
  const code = codeOf(error);
  if (code !== undefined && (UNAVAILABLE_CODES.has(code) || CONNECTION_EXCEPTION_CLASS.test(code))) return true;
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && POSTGRES_CONNECTION_MESSAGES.some((pattern) => pattern.test(message));
}
