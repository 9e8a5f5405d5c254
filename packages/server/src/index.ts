export { createServer, migrate, type ApertureServer, type CreateServerOptions } from './server.js';
export { NodeLeaseUnavailableError } from './db/node-leases.js';
export { startEphemeralServer, type EphemeralServer } from './ephemeral.js';
export { logUnhandledRejections } from './process-safety-net.js';
export { loadConfig, ConfigError, type Config, type Role } from './config/config.js';
export type { AppRouter } from './api/router.js';
export type { ApertureErrorData } from './api/trpc.js';
export { ERROR_CODES, type ErrorCode } from './errors/codes.js';
export type { ValidationIssue } from './errors/app-error.js';
export type { PrivateUser, PublicUser, SessionInfo, AuthResult } from './modules/accounts/types.js';
export type * from './modules/media/types.js';
export type { StorageReport, LeftoverCount, MissingBlobs, MissingRepair } from './modules/media/storage-check.js';
export { listEvents, recount, requestReprocess, retryEvent, verifyStorage } from './modules/admin/service.js';
export type {
  EventStatus,
  EventSummary,
  ListEventsOptions,
  RecountResult,
  VerifyStorageOptions,
} from './modules/admin/types.js';
