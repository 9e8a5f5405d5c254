import type { Clock } from './clock.js';
import type { Db } from './db/connect.js';
import type { IdGenerator } from './ids/snowflake.js';
import { AccountsService } from './modules/accounts/service.js';
import { createArgon2Hasher, type PasswordHasher } from './modules/accounts/passwords.js';
import { MediaReader } from './modules/media/media-reader.js';
import { avatarUrls, MediaService } from './modules/media/media-service.js';
import { MediaProcessor, type ProcessorLog } from './modules/media/processor.js';
import { MediaServing } from './modules/media/serving.js';
import type { MediaSettings } from './modules/media/settings.js';
import { MediaSweeper } from './modules/media/sweeper.js';
import { UploadService } from './modules/media/upload-service.js';
import { CommentsService } from './modules/engagement/comments-service.js';
import { LikesService } from './modules/engagement/likes-service.js';
import { GraphService } from './modules/graph/service.js';
import { PostCleanup } from './modules/posts/cleanup.js';
import { PostsService } from './modules/posts/service.js';
import { MediaUrlSigner } from './modules/media/urls.js';
import type { BlobStore } from './storage/blob-store.js';

export interface ServiceDeps {
  db: Db;
  blobs: BlobStore;
  ids: IdGenerator;
  clock: Clock;
  secret: string;
  publicUrl: () => string;
  sessionTtlDays: number;
  mediaSettings: MediaSettings;
  log: ProcessorLog;
  passwords?: PasswordHasher;
}

/** Every domain service, wired once. Each service receives only what it needs. */
export interface Services {
  accounts: AccountsService;
  media: MediaService;
  uploads: UploadService;
  mediaProcessor: MediaProcessor;
  mediaSweeper: MediaSweeper;
  mediaServing: MediaServing;
  posts: PostsService;
  graph: GraphService;
  postCleanup: PostCleanup;
  likes: LikesService;
  comments: CommentsService;
}

export function createServices(deps: ServiceDeps): Services {
  const { db, blobs, ids, clock, mediaSettings: settings, log } = deps;
  const reader = new MediaReader(
    db.kysely,
    new MediaUrlSigner(deps.secret, deps.publicUrl, () => clock.now().getTime()),
  );
  const mediaProcessor = new MediaProcessor({ db, blobs, clock, settings, log });
  const postCleanup = new PostCleanup({ db, clock, log });
  const avatarUrlsOf = (mediaId: string) => avatarUrls(reader, mediaId);
  return {
    accounts: new AccountsService({
      db,
      ids,
      clock,
      passwords: deps.passwords ?? createArgon2Hasher(),
      sessionTtlDays: deps.sessionTtlDays,
      avatarUrls: avatarUrlsOf,
    }),
    media: new MediaService({ db, clock, reader }),
    uploads: new UploadService({ db, blobs, ids, clock, settings, reader, onMediaQueued: () => mediaProcessor.kick() }),
    mediaProcessor,
    mediaSweeper: new MediaSweeper({ db, blobs, clock, settings, log }),
    mediaServing: new MediaServing({ db, blobs, clock, settings, reader }),
    posts: new PostsService({
      db,
      ids,
      clock,
      urls: reader.urls,
      avatarUrls: avatarUrlsOf,
      onPostDeleted: () => postCleanup.kick(),
    }),
    graph: new GraphService({ db, ids, clock, avatarUrls: avatarUrlsOf }),
    postCleanup,
    likes: new LikesService({ db, ids, clock, avatarUrls: avatarUrlsOf }),
    comments: new CommentsService({ db, ids, clock, avatarUrls: avatarUrlsOf }),
  };
}
