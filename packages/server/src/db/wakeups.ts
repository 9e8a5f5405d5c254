import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * What one process tells the other processes sharing its database, so they look now instead of at
 * their next poll:
 * - `outbox`: events were appended (the dispatchers of worker-role processes claim them);
 * - `media`: an upload was queued for processing (the media processors claim it);
 * - `notifications`: a notification row was written or moved up; the payload is its recipient's id
 *   (live streams of that recipient re-read the table);
 * - `sessions`: a session was logged out or revoked; the payload is its id (its live streams end).
 */
export type WakeupTopic = 'outbox' | 'media' | 'notifications' | 'sessions';

/**
 * Called with the payload of a wake-up another process sent, or with `undefined` after the
 * listening connection was re-established: wake-ups sent while it was down are lost, so a handler
 * then treats everything as possibly missed.
 */
export type WakeupHandler = (payload: string | undefined) => void;

/** Longest payload accepted; Postgres refuses NOTIFY payloads of 8000 bytes and more. */
export const MAX_WAKEUP_PAYLOAD = 200;

/**
 * Cross-process wake-ups. On Postgres, LISTEN/NOTIFY (`pg-wakeups.ts`); on SQLite, which one
 * process owns, nothing crosses a process and `inProcessOnly` does nothing. Either way each process
 * wakes its own workers and streams directly after its own commits: a process ignores the
 * wake-ups it sent itself.
 */
export interface Wakeups {
  /** True when wake-ups reach other processes (Postgres); polls may then be slow safety nets. */
  readonly crossProcess: boolean;
  /**
   * Sends a wake-up on `topic` through `executor`: inside a transaction it is delivered when that
   * transaction commits and never after a rollback; outside one, at once. Payloads are small (an
   * id), at most MAX_WAKEUP_PAYLOAD characters.
   */
  notify(executor: Kysely<Database>, topic: WakeupTopic, payload?: string): Promise<void>;
  /** Calls `handler` for every wake-up other processes send on `topic`; returns the unsubscribe. */
  listen(topic: WakeupTopic, handler: WakeupHandler): () => void;
  /** Opens the listening connection (the server calls it on start); listen() may come before or after. */
  start(): void;
  /**
   * Resolves once every topic asked for so far is listened to on an open connection (at once when
   * nothing crosses processes, or after close): from then on, wake-ups sent are heard.
   */
  listening(): Promise<void>;
  /** Closes the listening connection; safe to call more than once. */
  close(): Promise<void>;
}

/** The wake-ups of a database only one process uses (SQLite): nothing to send, nothing to hear. */
export const inProcessOnly: Wakeups = {
  crossProcess: false,
  notify: async () => undefined,
  listen: () => () => undefined,
  start: () => undefined,
  listening: async () => undefined,
  close: async () => undefined,
};
