import type { Clock } from './clock.js';
import type { Db } from './db/connect.js';
import type { IdGenerator } from './ids/snowflake.js';
import { AccountsService } from './modules/accounts/service.js';
import type { PasswordHashingLimits } from './config/config.js';
import { createArgon2Hasher, limitPasswordHashing, type PasswordHasher } from './modules/accounts/passwords.js';
import { MediaReader } from './modules/media/media-reader.js';
import { MediaService } from './modules/media/service.js';
import { avatarUrls } from './modules/media/presenter.js';
import { MediaProcessor, type ProcessorLog } from './modules/media/processor.js';
import { MediaServing } from './modules/media/serving.js';
import type { MediaSettings } from './config/media-settings.js';
import { MediaSweeper } from './modules/media/sweeper.js';
import { WidthRenderer } from './modules/media/width-renderer.js';
import { WorkLimiter } from './lib/work-limiter.js';
import { EventDispatcher } from './events/dispatcher.js';
import { FanoutHandlers } from './modules/feed/fanout.js';
import { FeedService } from './modules/feed/service.js';
import type { FeedSettings } from './config/feed-settings.js';
import { createHandlers } from './events/handlers.js';
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
import { NotificationsService } from './modules/notifications/service.js';
import { ViewCounter } from './modules/views/view-counter.js';
import { SessionActivity } from './modules/accounts/session-activity.js';
import { ViewsService } from './modules/views/service.js';
import type { HandlerMap } from './events/types.js';
import type { BlobStore } from './storage/blob-store.js';
import type { FreeSpaceGuard } from './storage/free-space.js';

export interface ServiceDeps {
  db: Db;
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
  log: ProcessorLog;
  /** The hasher to limit (default argon2id). */
  passwords?: PasswordHasher;
  /** argon2 computations at once, and callers allowed to wait; the rest are refused (RATE_LIMITED). */
  passwordHashing: PasswordHashingLimits;
  /** This process's name on the work leases it takes (`media.claimed_by`, `events.locked_by`). */
  leaseHolder: string;
}

/** Every domain service, wired once. Each service receives only what it needs. */
export interface Services {
  accounts: AccountsService;
  /** Uploads and reading media (the `media` procedures). */
  media: MediaService;
  mediaProcessor: MediaProcessor;
  mediaSweeper: MediaSweeper;
  mediaServing: MediaServing;
  /** The one limiter for image decoding in this process: processing and `?w=` renders share it. */
  imageWork: WorkLimiter;
  posts: PostsService;
  graph: GraphService;
  /** Profile headers and editing one's own (the `users` procedures, profile edits of `accounts`). */
  profiles: ProfilesService;
  postCleanup: PostCleanup;
  likes: LikesService;
  comments: CommentsService;
  feed: FeedService;
  fanout: FanoutHandlers;
  tags: TagsService;
  search: SearchService;
  /** `tags.post_count` increments, flushed every few seconds and on stop. */
  tagCounter: TagCounter;
  /** Session last-used and user last-active times, written a moment after the request; flushed on stop. */
  sessionActivity: SessionActivity;
  /** Hashtag rows and the caption search index follow post events. */
  tagHandlers: HandlerMap;
  /** Post views counted in memory; flushed every few seconds and on stop. */
  viewCounter: ViewCounter;
  views: ViewsService;
  /** Notifications: written by event handlers, listed and streamed live. */
  notifications: NotificationsService;
  /** The limits and rules clients may check before sending (`instance.info`). */
  instance: InstanceService;
  /** Delivers outbox events to the handlers of `createHandlers` (started in role all|worker). */
  dispatcher: EventDispatcher;
}

export function createServices(deps: ServiceDeps): Services {
  const { db, blobs, ids, clock, mediaSettings: settings, log } = deps;
  const reader = new MediaReader(
    db.kysely,
    new MediaUrlSigner(deps.secret, deps.publicUrl, () => clock.now().getTime()),
  );
  // Called after a write that appended events committed. The dispatcher is built last: its
  // handlers use the services.
  const dispatcherRef: { current?: EventDispatcher } = {};
  const onEvent = (): void => dispatcherRef.current?.kick();
  const { leaseHolder } = deps;
  // One budget of CPU and memory for sharp: uploads being processed and on-demand widths take
  // their turns from the same slots, so neither can multiply the other's peak.
  const imageWork = new WorkLimiter({ concurrency: settings.concurrency, maxQueued: settings.renderQueue });
  const mediaProcessor = new MediaProcessor({ db, blobs, ids, clock, settings, log, onEvent, imageWork, leaseHolder });
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
  });
  const accounts = new AccountsService({
    db,
    ids,
    clock,
    passwords: limitPasswordHashing(deps.passwords ?? createArgon2Hasher(), deps.passwordHashing),
    sessionTtlDays: deps.sessionTtlDays,
    avatarUrls: avatarUrlsOf,
    activity: sessionActivity,
    onSessionEnded: (sessionId) => notifications.sessionEnded(sessionId),
  });
  const services: Omit<Services, 'dispatcher'> = {
    accounts,
    sessionActivity,
    media: new MediaService({
      db,
      blobs,
      ids,
      clock,
      settings,
      reader,
      space: deps.space,
      onMediaQueued: () => mediaProcessor.kick(),
    }),
    mediaProcessor,
    mediaSweeper: new MediaSweeper({ db, blobs, clock, settings, log }),
    mediaServing: new MediaServing({ db, reader, widths: new WidthRenderer({ db, blobs, settings, imageWork }) }),
    imageWork,
    posts: new PostsService({
      db,
      ids,
      clock,
      urls: reader.urls,
      avatarUrls: avatarUrlsOf,
      onPostDeleted: () => postCleanup.kick(),
      onEvent,
    }),
    graph: new GraphService({ db, ids, clock, avatarUrls: avatarUrlsOf, onEvent }),
    profiles: new ProfilesService({ db, ids, clock, avatarUrls: avatarUrlsOf, reader, onEvent }),
    postCleanup,
    likes: new LikesService({ db, ids, clock, avatarUrls: avatarUrlsOf, onEvent }),
    comments: new CommentsService({ db, ids, clock, avatarUrls: avatarUrlsOf, onEvent }),
    feed: new FeedService({
      db,
      clock,
      settings: deps.feedSettings,
      hydrate: { urls: reader.urls, avatarUrls: avatarUrlsOf },
      log,
    }),
    fanout: new FanoutHandlers({ db, clock, settings: deps.feedSettings }),
    tags: new TagsService({ db: db.kysely, clock, trending: DEFAULT_TRENDING }),
    search: new SearchService({ db: db.kysely, caps: db.caps, textIndex, urls: reader.urls, avatarUrls: avatarUrlsOf }),
    tagCounter,
    notifications,
    tagHandlers: createTagHandlers({ db, ids, clock, textIndex, counter: tagCounter }),
    viewCounter,
    views: new ViewsService({ db: db.kysely, counter: viewCounter, now: () => clock.now().getTime() }),
    instance: new InstanceService({ mediaSettings: settings, trending: DEFAULT_TRENDING }),
  };
  const dispatcher = new EventDispatcher({ db, clock, log, handlers: createHandlers(services), leaseHolder });
  dispatcherRef.current = dispatcher;
  return { ...services, dispatcher };
}
