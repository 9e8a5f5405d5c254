import type { Batch } from './rows.js';

/** Where the generated rows go: one implementation per dialect, the same rows for both. */
export interface SeedWriter {
  readonly dialect: 'sqlite' | 'postgres';
  /** Users already in the database: seeding refuses to mix with them unless forced. */
  countUsers(): Promise<number>;
  /** Empties every application table (not the migration bookkeeping): what `--force` does first. */
  clear(): Promise<void>;
  /** Writes the batches in one transaction. */
  write(batches: Batch[]): Promise<void>;
  /** Refreshes planner statistics once everything is in. */
  finish(): Promise<void>;
  close(): Promise<void>;
}
