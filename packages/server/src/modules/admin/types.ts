/** Public shapes of the admin operations (`aperture admin …`), as `@aperture/server` exports them. */
import type { EventsTable } from '../../db/schema.js';

export type EventStatus = EventsTable['status'];

/** One outbox row as `aperture admin events` shows it. */
export interface EventSummary {
  id: string;
  type: string;
  status: EventStatus;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  availableAt: string;
  processedAt: string | null;
  /** The event's fields other than its type (ids only). */
  payload: Record<string, unknown>;
}

export interface ListEventsOptions {
  status?: EventStatus;
  /** Default 50, at most 1,000. */
  limit?: number;
}

export interface RecountResult {
  /** Rows whose stored counter differed from a count of the rows it summarises, now corrected. */
  fixed: Record<string, number>;
}

export interface VerifyStorageOptions {
  /** Remove stale leftovers and repair rows (see StorageReport and docs/cli.md). */
  repair?: boolean;
  /** Leftovers younger than this are left alone (default: the sweeper's, 60). */
  graceMinutes?: number;
}

/** Where a long operation is: `done` of `total` items of the current phase (rows, then blobs). */
export interface OperationProgress {
  phase: 'rows' | 'blobs';
  done: number;
  total: number;
}

export interface BackupOptions {
  /** A folder, or `s3://bucket/prefix?region=…&endpoint=…&forcePathStyle=true` (as APERTURE_MEDIA_URL). */
  to: string;
  /** Relative folders resolve against this (default: the process's working directory). */
  cwd?: string;
  onProgress?: (progress: OperationProgress) => void;
}

export interface BackupResult {
  /** Where it went (an absolute folder or `s3://bucket/prefix/`). */
  location: string;
  id: string;
  createdAt: string;
  source: { dialect: 'sqlite' | 'postgres'; blobStore: 'disk' | 's3' };
  /** The last migration the database had applied. */
  migrationLevel: string;
  tables: Record<string, number>;
  blobs: {
    /** Blobs the rows refer to that the backup holds. */
    count: number;
    bytes: number;
    /** Of those, copied now; the rest were already in the backup. */
    copied: number;
    skipped: number;
  };
  /** Blobs the rows require that were absent or had other content than their row says: not in the backup. */
  missingBlobs: { key: string; reason: string }[];
}

export interface RestoreOptions {
  /** A folder or s3:// location holding a backup. */
  from: string;
  cwd?: string;
  onProgress?: (progress: OperationProgress) => void;
}

export interface RestoreResult {
  location: string;
  id: string;
  createdAt: string;
  source: { dialect: 'sqlite' | 'postgres'; blobStore: 'disk' | 's3' };
  target: { dialect: 'sqlite' | 'postgres'; blobStore: 'disk' | 's3' };
  migrationLevel: string;
  tables: Record<string, number>;
  blobs: { count: number; bytes: number };
}

export interface MoveOptions {
  /** The database to move the rows to (`postgres://…` or `sqlite:…`); omitted: they stay. */
  toDatabase?: string;
  /** The blob store to move the media to (`s3://…` or `file:…`); omitted: it stays. */
  toMedia?: string;
  /** Where the intermediate copy is kept while moving (default: a new folder in the system's temp folder). */
  workDir?: string;
  cwd?: string;
  onProgress?: (progress: OperationProgress & { step: 'backup' | 'restore' }) => void;
}

export interface MoveResult {
  /** Set these (with the rest of the configuration unchanged) to start on the moved deployment. */
  env: { APERTURE_DATABASE_URL?: string; APERTURE_MEDIA_URL?: string };
  tables: Record<string, number>;
  blobs: { count: number; bytes: number };
}

/** What `aperture admin grant` did. */
export interface RoleGrant {
  userId: string;
  username: string;
  role: 'user' | 'moderator' | 'admin';
}

/** What `aperture admin blocklist add` / `add-file` block: a processed media item's hash, or an image file's. */
export type BlocklistAddOptions = ({ mediaId: string } | { file: string; cwd?: string }) & {
  /** Why, for the operators reading the list (at most 500 characters). */
  reason?: string;
};

export type { BlocklistAddResult, BlocklistEntryView, BlocklistRefusalView } from '../blocklist/types.js';
