export { createClient, DEFAULT_MAX_BATCH_SIZE, type ApertureClient, type ClientOptions } from './client.js';
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
export type { AccountsApi, AuthApi } from './accounts/api.js';
export type {
  AccountDeletion,
  AccountExport,
  DeleteAccountInput,
  LoginInput,
  RegisterInput,
  UpdateAccountInput,
  UpdateProfileInput,
} from './accounts/types.js';
export type { CommentsApi, LikesApi } from './engagement/api.js';
export type { CommentView, CreateCommentInput, LikeResult, Liker, Reaction, UnlikeResult } from './engagement/types.js';
export type { GraphApi, UsersApi } from './graph/api.js';
export type {
  FollowRequest,
  FollowResult,
  FollowStatus,
  Profile,
  ProfileCounts,
  Relationship,
  UserRef,
} from './graph/types.js';
export type { InstanceApi, InstanceInfo } from './instance/api.js';
export type { MediaApi } from './media/api.js';
export type {
  AcceptedContentType,
  CreateUploadResult,
  ImageMediaView,
  MediaView,
  UploadInput,
  UploadOptions,
  UploadPhase,
  UploadProgress,
  UploadStatusView,
  VideoMediaView,
  WaitOptions,
} from './media/types.js';
export {
  paginate,
  PaginationLoopError,
  type Page,
  type PageFetcher,
  type PageOptions,
  type Paginator,
} from './paginate.js';
export type { NotificationsApi } from './notifications/api.js';
export type { ModerationApi, ModerationLogOptions, QueueOptions, ReportsApi } from './moderation/api.js';
export type {
  AccountRef,
  CreateReportInput,
  HeldContent,
  ModerationAction,
  ModerationLogEntry,
  ModerationResult,
  MyReport,
  PendingHold,
  QueueItem,
  ReportReason,
  ReportTarget,
  ReportView,
  TargetDetail,
  UserRole,
} from './moderation/types.js';
export type {
  LiveNotification,
  MarkReadInput,
  NotificationKind,
  NotificationView,
  SubscribeOptions,
} from './notifications/types.js';
export type { PostInsights, PostsApi } from './posts/api.js';
export type {
  CreatePostInput,
  PostLocation,
  PostMediaView,
  PostsByUserInput,
  PostView,
  PostVisibility,
  PublishOptions,
  PublishProgress,
  UpdatePostInput,
} from './posts/types.js';
export type { RetryOptions } from './retry.js';
export type { AuthResult, PrivateUser, PublicUser, RouterInputs, RouterOutputs, SessionInfo } from './types.js';
export type { TagsApi, TagView, TrendingTag } from './tags/api.js';
export type { SearchApi, SearchResults } from './search/api.js';
export type { FeedApi, HomeFeedOptions } from './feed/api.js';
