import type { Clock } from './clock.js';
import type { Db } from './db/connect.js';
import type { Wakeups } from './db/wakeups.js';
import type { Reads } from './db/reads.js';
import type { IdGenerator } from './ids/snowflake.js';
import { AccountsService } from './modules/accounts/service.js';
import type { PasswordHashingLimits } from './config/config.js';
import { createArgon2Hasher, limitPasswordHashing, type PasswordHasher } from './modules/accounts/passwords.js';
import { MediaReader } from './modules/media/media-reader.js';
import { MediaService } from './modules/media/service.js';
import { avatarUrls } from './modules/media/presenter.js';
import { MediaProcessor } from './modules/media/processor.js';
import { PipelineThread } from './modules/media/pipeline-thread.js';
import { MediaServing } from './modules/media/serving.js';
import type { MediaSettings } from './config/media-settings.js';
import { MediaSweeper } from './modules/media/sweeper.js';
import { WidthRenderer } from './modules/media/width-renderer.js';
import type { VideoTools } from './modules/media/video/tools.js';
import { VideoProcessor } from './modules/media/video/processor.js';
import { WorkLimiter } from './lib/work-limiter.js';
import type { Logger } from './lib/logger.js';
import type { BackgroundTask } from './lib/background-task.js';
import { EventDispatcher } from './events/dispatcher.js';
import { Outbox } from './events/outbox.js';
import { createFeedHandlers } from './modules/feed/handlers.js';
import { FeedService } from './modules/feed/service.js';
import type { FeedSettings } from './config/feed-settings.js';
import { CommentsService } from './modules/engagement/comments-service.js';
import { LikesService } from './modules/engagement/likes-service.js';
import { GraphService } from './modules/graph/service.js';
import { ProfilesService } from './modules/profiles/service.js';
import { PostCleanup } from './modules/posts/cleanup.js';
import { PostsService } from './modules/posts/service.js';
import { MediaUrlSigner } from './modules/media/urls.js';
import { createTextIndex } from './modules/posts/text-index.js';
import { SearchService } from './modules/search/service.js';
import { TagCounter } from './modules/tags/counter.js';
import { createTagHandlers } from './modules/tags/handlers.js';
import { TagsService } from './modules/tags/service.js';
import { DEFAULT_TRENDING } from './modules/tags/trending.js';
import { InstanceService } from './modules/instance/service.js';
import { createNotificationHandlers } from './modules/notifications/handlers.js';
import { NotificationsService } from './modules/notifications/service.js';
import { ModerationActions } from './modules/moderation/actions.js';
import { ModerationService } from './modules/moderation/moderation-service.js';
import { ReportsService } from './modules/moderation/reports-service.js';
import { ViewCounter } from './modules/views/view-counter.js';
import { SessionActivity } from './modules/accounts/session-activity.js';
import { ViewsService } from './modules/views/service.js';
import { WriteLimits } from './modules/limits/service.js';
import { WordFilters } from './modules/word-filters/service.js';
import type { WriteLimitSettings } from './config/write-limit-settings.js';
import { Blocklist } from './modules/blocklist/entries.js';
import { BlocklistMatcher } from './modules/blocklist/matcher.js';
import { BlocklistService } from './modules/blocklist/service.js';
import type { BlobStore } from './storage/blob-store.js';
import type { FreeSpaceGuard } from './storage/free-space.js';
import { backgroundTasks, type BackgroundWorkers } from './background-tasks.js';
import type { AccountDataSettings } from './config/account-data-settings.js';
import { AccountDataService } from './modules/account-data/service.js';
import { AccountPurge } from './modules/account-data/purge.js';
import { ExportBuilder } from './modules/account-data/export-builder.js';
import { ExportUrlSigner } from './modules/account-data/urls.js';

export interface ServiceDeps {
  /** The primary: every write, and reads that must see the latest state. */
  db: Db;
  /** Chooses the database of the read paths (feeds, profiles, posts, search, hashtags) per viewer. */
  reads: Reads;
  blobs: BlobStore;
  /** Free space on the volumes the media and SQLite live on; uploads are refused while low. */
  space: FreeSpaceGuard;
  ids: IdGenerator;
  clock: Clock;
  secret: string;
  publicUrl: () => string;
  sessionTtlDays: number;
  mediaSettings: MediaSettings;
  feedSettings: FeedSettings;
  /** How often counted post views are written (default 5 s). */
  viewFlushMs?: number;
  log: Logger;
  /** The hasher to limit (default argon2id). */
  passwords?: PasswordHasher;
  /** argon2 computations at once, and callers allowed to wait; the rest are refused (RATE_LIMITED). */
  passwordHashing: PasswordHashingLimits;
  /** This process's name on the work leases it takes (`media.claimed_by`, `events.locked_by`). */
  leaseHolder: string;
  /** Wake-ups to and from the other processes sharing the database (nothing on SQLite). */
  wakeups: Wakeups;
  /**
   * How often the workers, live streams and their session checks look for what other processes
   * wrote, when those processes' wake-ups reach this one (Postgres): only a safety net then.
   * Undefined: each keeps its own short poll (SQLite, where the only other writers are
   * `aperture admin` commands, which send no wake-ups).
   */
  safetyPollMs?: number;
  /** ffmpeg and ffprobe as bounded child processes; the server kills what runs when it stops. */
  videoTools: VideoTools;
  /** Where videos are copied for ffprobe and ffmpeg (APERTURE_VIDEO_TEMP_DIR). */
  videoTempDir: string;
  /** Posts, comments, likes, follows, upload starts, reports and sign-ups an hour. */
  writeLimits: WriteLimitSettings;
  /** APERTURE_WORD_FILTER_FILE (absolute), or undefined. */
  wordFilterFile?: string | undefined;
  /** Export lifetime, deletion grace period and username reservation of deleted accounts. */
  accountData: AccountDataSettings;
}

/** What requests use: the services behind the tRPC routers and the upload and media routes. */
export interface ApiServices {
  /** Where read paths read; mutations note their writes through it so the writer's reads see them. */
  reads: Reads;
  accounts: AccountsService;
  /** Uploads and reading media (the `media` procedures). */
  media: MediaService;
  mediaServing: MediaServing;
  /** The one limiter for image decoding in this process: processing and `?w=` renders share it. */
  imageWork: WorkLimiter;
  /** ffprobe/ffmpeg: their state is a /readyz check, and a missing tool disables video uploads only. */
  videoTools: VideoTools;
  posts: PostsService;
  graph: GraphService;
  /** Profile headers and editing one's own (the `users` procedures, profile edits of `accounts`). */
  profiles: ProfilesService;
  likes: LikesService;
  comments: CommentsService;
  feed: FeedService;
  tags: TagsService;
  search: SearchService;
  /** Notifications: written by event handlers, listed and streamed live. */
  notifications: NotificationsService;
  views: ViewsService;
  /** The limits and rules clients may check before sending (`instance.info`). */
  instance: InstanceService;
  /** Writes counted per account and address (the limited procedures charge them). */
  limits: WriteLimits;
  /** Word filter rules, screening of comments and captions, and the holds they make. */
  wordFilters: WordFilters;
  /** Reports users file (`reports.*`). */
  reports: ReportsService;
  /** The moderators' queue, actions and audit log (`moderation.*`). */
  moderation: ModerationService;
  /** Exports of one's data and deleting one's account (`accounts.export`, `accounts.delete`). */
  accountData: AccountDataService;
  /** The media blocklist, for moderators (the `blocklist` procedures). */
  blocklist: BlocklistService;
}

export interface BackgroundServices extends BackgroundWorkers {
  /** The workers with their lifecycle, in the order the server starts, flushes and stops them. */
  tasks: BackgroundTask[];
}

/** The two roles a process plays: serving requests (`api`) and the work beside them (`background`). */
export interface Services {
  api: ApiServices;
  background: BackgroundServices;
}

/** Every service, wired once. Each receives only what it needs. */
export function createServices(deps: ServiceDeps): Services {
  const { db, reads, blobs, ids, clock, mediaSettings: settings, log, leaseHolder, wakeups } = deps;
  const pollMs = deps.safetyPollMs === undefined ? {} : { pollMs: deps.safetyPollMs };
  // The dispatcher comes first, without handlers: the outbox wakes it after every commit that
  // emitted events (and other processes' dispatchers through `wakeups`), and the handlers, which
  // use the services below, subscribe once those exist.
  const dispatcher = new EventDispatcher({ db, clock, log, leaseHolder, wakeups, ...pollMs });
  const outbox = new Outbox({ db, ids, clock, onCommitted: () => dispatcher.kick(), wakeups });
  const reader = new MediaReader(
    db.kysely,
    new MediaUrlSigner(deps.secret, deps.publicUrl, () => clock.now().getTime()),
  );
  // One budget of CPU and memory for sharp: uploads being processed and on-demand widths take
  // their turns from the same slots, so neither can multiply the other's peak.
  const imageWork = new WorkLimiter({ concurrency: settings.concurrency, maxQueued: settings.renderQueue });
  // The content rules: processing screens new uploads, posts and avatars screen ready media.
  const screen = new BlocklistMatcher({ db, clock, log, distance: settings.blocklistDistance });
  const blocklist = new Blocklist({ db, clock, distance: settings.blocklistDistance, matcher: screen });
  // Uploads (and video posters) are processed in a thread of their own: see pipeline-thread.ts.
  const pipeline = new PipelineThread();
  const mediaProcessor = new MediaProcessor({
    ...{ db, blobs, clock, settings, log, outbox, imageWork, pipeline, leaseHolder, wakeups, screen },
    ...pollMs,
  });
  const videoScratch = { dir: deps.videoTempDir, space: deps.space };
  const videoProcessor = new VideoProcessor({
    ...{ db, blobs, clock, settings, log, outbox, imageWork, pipeline, leaseHolder, wakeups, screen },
    ...{ tools: deps.videoTools, scratch: videoScratch, concurrency: settings.videoConcurrency },
    ...pollMs,
  });
  const postCleanup = new PostCleanup({ db, clock, log });
  const avatarUrlsOf = (mediaId: string) => avatarUrls(reader.urls, mediaId);
  const textIndex = createTextIndex(db.caps);
  const tagCounter = new TagCounter(db.kysely, log);
  const sessionActivity = new SessionActivity(db, log);
  const viewCounter = new ViewCounter({ db: db.kysely, caps: db.caps, log, flushIntervalMs: deps.viewFlushMs });
  // Live notification streams end with their session: accounts says at once when this process
  // ends one, and answers the streams' periodic look at the database (revocations elsewhere, expiry).
  const notifications: NotificationsService = new NotificationsService({
    db,
    ids,
    clock,
    urls: reader.urls,
    avatarUrls: avatarUrlsOf,
    sessions: { active: (sessionIds) => accounts.activeSessions(sessionIds) },
    log,
    wakeups,
    ...(deps.safetyPollMs === undefined ? {} : { sessionCheckMs: deps.safetyPollMs }),
    ...pollMs,
  });
  // One limit on password hashing for the process: sign-ins and deletions share its slots.
  const passwords = limitPasswordHashing(deps.passwords ?? createArgon2Hasher(), deps.passwordHashing);
  const accounts = new AccountsService({
    db,
    ids,
    clock,
    passwords,
    sessionTtlDays: deps.sessionTtlDays,
    avatarUrls: avatarUrlsOf,
    activity: sessionActivity,
    onSessionEnded: (sessionId) => notifications.sessionEnded(sessionId),
    wakeups,
    reads,
  });
  const exportBuilder = new ExportBuilder({
    ...{ db, blobs, clock, log, leaseHolder, settings: deps.accountData },
    ...pollMs,
  });
  const accountData = new AccountDataService({
    ...{ db, ids, clock, wakeups, settings: deps.accountData },
    passwords,
    urls: new ExportUrlSigner(deps.secret, deps.publicUrl, () => clock.now().getTime()),
    onExportRequested: () => exportBuilder.kick(),
    onSessionEnded: (sessionId) => notifications.sessionEnded(sessionId),
  });
  const limits = new WriteLimits({ db, clock, settings: deps.writeLimits });
  const words = new WordFilters({ db, ids, clock, log, outbox, file: deps.wordFilterFile });
  const api: ApiServices = {
    reads,
    limits,
    wordFilters: words,
    accounts,
    accountData,
    media: new MediaService({
      db,
      blobs,
      ids,
      clock,
      settings,
      reader,
      space: deps.space,
      onMediaQueued: () => {
        mediaProcessor.kick();
        videoProcessor.kick();
      },
      wakeups,
      video: deps.videoTools,
      videoTempDir: deps.videoTempDir,
    }),
    mediaServing: new MediaServing({ db, reader, widths: new WidthRenderer({ db, blobs, settings, imageWork }) }),
    imageWork,
    videoTools: deps.videoTools,
    posts: new PostsService({
      db,
      reads,
      ids,
      clock,
      urls: reader.urls,
      avatarUrls: avatarUrlsOf,
      onPostDeleted: () => postCleanup.kick(),
      outbox,
      words,
      screen,
    }),
    graph: new GraphService({ db, reads, ids, clock, avatarUrls: avatarUrlsOf, outbox }),
    profiles: new ProfilesService({ db, reads, clock, avatarUrls: avatarUrlsOf, reader, outbox, screen }),
    likes: new LikesService({ db, ids, clock, avatarUrls: avatarUrlsOf, outbox }),
    comments: new CommentsService({ db, ids, clock, avatarUrls: avatarUrlsOf, outbox, words }),
    feed: new FeedService({
      db,
      reads,
      clock,
      settings: deps.feedSettings,
      hydrate: { urls: reader.urls, avatarUrls: avatarUrlsOf },
      log,
    }),
    tags: new TagsService({ reads, clock, trending: DEFAULT_TRENDING }),
    search: new SearchService({ reads, caps: db.caps, textIndex, urls: reader.urls, avatarUrls: avatarUrlsOf }),
    notifications,
    views: new ViewsService({ db: db.kysely, counter: viewCounter, now: () => clock.now().getTime() }),
    instance: new InstanceService({ mediaSettings: settings, trending: DEFAULT_TRENDING }),
    reports: new ReportsService({ db, ids, clock }),
    moderation: new ModerationService({
      db,
      avatarUrls: avatarUrlsOf,
      holds: words,
      actions: new ModerationActions({
        db,
        ids,
        clock,
        outbox,
        wakeups,
        onSessionEnded: (sessionId) => notifications.sessionEnded(sessionId),
      }),
    }),
    blocklist: new BlocklistService({ blocklist }),
  };
  // Handlers of one event type run in this order: timelines, then hashtags, then notifications.
  dispatcher.subscribe(
    createFeedHandlers({ db, clock, settings: deps.feedSettings }),
    createTagHandlers({ db, ids, clock, textIndex, counter: tagCounter }),
    createNotificationHandlers({ db: db.kysely, writer: notifications.writer }),
  );
  const workers: BackgroundWorkers = {
    wakeups,
    dispatcher,
    mediaProcessor,
    videoProcessor,
    pipeline,
    mediaSweeper: new MediaSweeper({ db, blobs, clock, settings, log }),
    postCleanup,
    tagCounter,
    viewCounter,
    sessionActivity,
    limits,
    words,
    exportBuilder,
    accountPurge: new AccountPurge({
      ...{ db, blobs, clock, log, textIndex, tagCounter },
      settings: deps.accountData,
    }),
  };
  return { api, background: { ...workers, tasks: backgroundTasks(workers, log, db) } };
}
