export { createClient, type ApertureClient, type ClientOptions } from './client.js';
export {
  ApertureError,
  AuthenticationError,
  ConflictError,
  MediaRejectedError,
  NetworkError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ServerError,
  ValidationError,
  type ValidationIssue,
} from './errors.js';
export type { ApertureErrorCode, ServerErrorCode } from './error-codes.js';
export type { FetchFunction } from './http.js';
export type { MediaApi } from './media/api.js';
export type {
  AcceptedContentType,
  CreateUploadResult,
  MediaView,
  UploadInput,
  UploadOptions,
  UploadPhase,
  UploadProgress,
  UploadStatusView,
  WaitOptions,
} from './media/types.js';
export type { RetryOptions } from './retry.js';
export type {
  AuthResult,
  LoginInput,
  PrivateUser,
  PublicUser,
  RegisterInput,
  RouterInputs,
  RouterOutputs,
  SessionInfo,
  UpdateProfileInput,
} from './types.js';
