export {
  createServer,
  migrate,
  recount,
  requestReprocess,
  verifyStorage,
  type VerifyStorageOptions,
  type ApertureServer,
  type CreateServerOptions,
} from './server.js';
export { startEphemeralServer, type EphemeralServer } from './ephemeral.js';
export { logUnhandledRejections } from './process-safety-net.js';
export { loadConfig, ConfigError, type Config, type Role } from './config/config.js';
export type { AppRouter } from './api/router.js';
export type { ApertureErrorData } from './api/trpc.js';
export { ERROR_CODES, type ErrorCode } from './errors/codes.js';
export type { ValidationIssue } from './errors/app-error.js';
export type { PrivateUser, PublicUser, SessionInfo, AuthResult } from './modules/accounts/types.js';
export type * from './modules/media/types.js';
export type { RecountResult } from './modules/admin/recount.js';
export type { StorageReport, LeftoverCount, MissingBlobs, MissingRepair } from './modules/media/storage-check.js';
export { listEvents, retryEvent, type EventSummary, type EventStatus, type ListEventsOptions } from './events/admin.js';
