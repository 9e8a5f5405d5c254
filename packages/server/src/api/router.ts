import type { ApiServices } from '../services.js';
import { accountsRouter } from './routers/accounts.js';
import { commentsRouter, likesRouter } from './routers/engagement.js';
import { graphRouter } from './routers/graph.js';
import { instanceRouter } from './routers/instance.js';
import { mediaRouter } from './routers/media.js';
import { postsRouter } from './routers/posts.js';
import { feedRouter } from './routers/feed.js';
import { usersRouter } from './routers/users.js';
import { searchRouter } from './routers/search.js';
import { tagsRouter } from './routers/tags.js';
import { notificationsRouter } from './routers/notifications.js';
import { viewsRouter } from './routers/views.js';
import { moderationRouter, reportsRouter } from './routers/moderation.js';
import { blocklistRouter } from './routers/blocklist.js';
import type { ProcedureMetrics } from './procedure-metrics.js';
import { createProcedures, router } from './trpc.js';

/** The whole API. Services are bound here, by closure, so the request context stays small. */
export function createAppRouter(services: ApiServices, metrics: ProcedureMetrics) {
  const procedures = createProcedures(metrics, services.reads, services.limits, services.accounts);
  return router({
    accounts: accountsRouter(services.accounts, services.profiles, services.accountData, procedures),
    media: mediaRouter(services.media, procedures),
    posts: postsRouter(services.posts, procedures),
    feed: feedRouter(services.feed, services.posts, procedures),
    graph: graphRouter(services.graph, procedures),
    users: usersRouter(services.profiles, procedures),
    likes: likesRouter(services.likes, procedures),
    comments: commentsRouter(services.comments, procedures),
    tags: tagsRouter(services.tags, procedures),
    search: searchRouter(services.search, procedures),
    notifications: notificationsRouter(services.notifications, procedures),
    views: viewsRouter(services.views, procedures),
    instance: instanceRouter(services.instance, procedures),
    reports: reportsRouter(services.reports, procedures),
    moderation: moderationRouter(services.moderation, procedures),
    blocklist: blocklistRouter(services.blocklist, procedures),
  });
}

export type AppRouter = ReturnType<typeof createAppRouter>;
