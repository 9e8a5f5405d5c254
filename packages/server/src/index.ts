export { createServer, migrate, type ApertureServer, type CreateServerOptions } from './server.js';
export { NodeLeaseUnavailableError } from './db/node-leases.js';
export { startEphemeralServer, type EphemeralServer } from './ephemeral.js';
export { logUnhandledRejections } from './process-safety-net.js';
export { lowerProcessPriority } from './lib/process-priority.js';
export { loadConfig, ConfigError, type Config, type Role } from './config/config.js';
export type { AppRouter } from './api/router.js';
export type { ApertureErrorData } from './api/trpc.js';
export { ERROR_CODES, type ErrorCode } from './errors/codes.js';
// The load generator's posts carry up to this many hashtags; its tests hold its own copy to it.
export { MAX_TAGS_PER_POST } from './modules/tags/extract.js';
export type { ValidationIssue } from './errors/app-error.js';
export type { PrivateUser, PublicUser, SessionInfo, AuthResult } from './modules/accounts/types.js';
export type * from './modules/media/types.js';
// The bundled ffmpeg and ffprobe, found and checked as the server does: the load generator makes
// its test videos with them.
export { VideoTools, type VideoToolsOptions } from './modules/media/video/tools.js';
export type {
  StorageReport,
  LeftoverCount,
  MissingBlobs,
  MissingRepair,
  WrongSize,
} from './modules/media/storage-check.js';
export {
  addWordFilter,
  blocklistAdd,
  blocklistList,
  blocklistRefusals,
  blocklistRemove,
  createBackup,
  grantRole,
  listEvents,
  listWordFilters,
  NoSuchAccountError,
  moveDeployment,
  recount,
  removeWordFilter,
  requestReprocess,
  restoreFromBackup,
  retryEvent,
  verifyStorage,
} from './modules/admin/service.js';
export type { AdminWordRule } from './modules/word-filters/admin-rules.js';
export { RestoreTargetNotEmptyError } from './modules/admin/backup/restore.js';
export type {
  BlocklistAddOptions,
  BlocklistAddResult,
  BlocklistEntryView,
  BlocklistRefusalView,
  BackupOptions,
  BackupResult,
  MoveOptions,
  MoveResult,
  OperationProgress,
  RestoreOptions,
  RestoreResult,
  EventStatus,
  EventSummary,
  ListEventsOptions,
  RecountResult,
  RoleGrant,
  VerifyStorageOptions,
} from './modules/admin/types.js';
