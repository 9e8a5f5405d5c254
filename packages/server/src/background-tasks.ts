import { ifAdvisoryLockFree } from './db/advisory-lock.js';
import type { Db } from './db/connect.js';
import type { Wakeups } from './db/wakeups.js';
import { PRUNE_EVERY_MS, type EventDispatcher } from './events/dispatcher.js';
import { intervalTask, type BackgroundTask } from './lib/background-task.js';
import type { Logger } from './lib/logger.js';
import type { SessionActivity } from './modules/accounts/session-activity.js';
import type { MediaProcessor } from './modules/media/processor.js';
import type { VideoProcessor } from './modules/media/video/processor.js';
import type { PipelineThread } from './modules/media/pipeline-thread.js';
import type { MediaSweeper } from './modules/media/sweeper.js';
import type { PostCleanup } from './modules/posts/cleanup.js';
import type { TagCounter } from './modules/tags/counter.js';
import type { ViewCounter } from './modules/views/view-counter.js';
import type { WriteLimits } from './modules/limits/service.js';
import type { WordFilters } from './modules/word-filters/service.js';
import type { ExportBuilder } from './modules/account-data/export-builder.js';
import type { AccountPurge } from './modules/account-data/purge.js';

/** How often abandoned uploads and unattached media are collected. */
export const SWEEP_INTERVAL_MS = 10 * 60_000;

/** What runs beside the requests: background work, and the write-behind buffers requests fill. */
export interface BackgroundWorkers {
  /** The connection that hears other processes' wake-ups (Postgres LISTEN; nothing on SQLite). */
  wakeups: Wakeups;
  /** Delivers outbox events to the feed, tag and notification handlers. */
  dispatcher: EventDispatcher;
  /** Turns queued uploads into derivatives. */
  mediaProcessor: MediaProcessor;
  /** Turns queued videos into renditions and a poster, on a queue of its own. */
  videoProcessor: VideoProcessor;
  /** The thread both processors run processImage in; ended once they have stopped. */
  pipeline: PipelineThread;
  /** Collects abandoned uploads, unattached media and crash leftovers. */
  mediaSweeper: MediaSweeper;
  /** The asynchronous half of deleting a post. */
  postCleanup: PostCleanup;
  /** `tags.post_count` increments the tag handlers make, written every few seconds. */
  tagCounter: TagCounter;
  /** Post views counted in memory, written every few seconds. */
  viewCounter: ViewCounter;
  /** Session last-used and user last-active times, written a moment after the request. */
  sessionActivity: SessionActivity;
  /** The write limits' buckets, of which the sweep deletes those full again. */
  limits: WriteLimits;
  /** Watches the word filter file: every process screens what it serves with the latest rules. */
  words: WordFilters;
  /** Builds requested account exports into archives, under leases. */
  exportBuilder: ExportBuilder;
  /** Removes expired exports, purges deleted accounts after their grace period, frees their usernames. */
  accountPurge: AccountPurge;
}

/**
 * The workers as one list, in the order the server starts, flushes (`settle()`) and stops them.
 * The order matters where one feeds another: events are delivered before the tag counts their
 * handlers add are written, and the dispatcher stops before those counts are written a last time.
 *
 * With several processes on one database (docs/architecture.md, "Background work"): the media
 * processor and the dispatcher claim rows under leases, so each item is worked by one process at a
 * time; the periodic jobs (event pruning, the sweep) run once per deployment per round, in whichever
 * process gets the job's advisory lock first (the others skip that round); the counters and session
 * activity add or set values from each process's own buffer, which any number may do at once.
 */
export function backgroundTasks(workers: BackgroundWorkers, log: Logger, db: Db): BackgroundTask[] {
  const { wakeups, dispatcher, mediaProcessor, mediaSweeper, postCleanup, tagCounter, viewCounter, sessionActivity } =
    workers;
  const { videoProcessor } = workers;
  return [
    {
      // Every role: api processes hear wake-ups for their live streams, workers for their queues.
      name: 'cross-process wake-ups',
      runsIn: 'every-role',
      start: () => wakeups.start(),
      stop: () => wakeups.close(),
    },
    {
      name: 'media processor',
      runsIn: 'worker-role',
      start: () => mediaProcessor.start(),
      stop: () => mediaProcessor.stop(),
    },
    {
      name: 'video processor',
      runsIn: 'worker-role',
      start: () => videoProcessor.start(),
      stop: () => videoProcessor.stop(),
    },
    {
      name: 'event dispatcher',
      runsIn: 'worker-role',
      start: () => dispatcher.start(),
      // In any role: whoever settles wants the events appended so far handled, here and now.
      flush: async () => void (await dispatcher.drain()),
      stop: () => dispatcher.stop(),
    },
    intervalTask({
      name: 'event pruning',
      intervalMs: PRUNE_EVERY_MS,
      run: () =>
        ifAdvisoryLockFree(db, 'event pruning', async () => {
          const pruned = await dispatcher.prune();
          if (pruned > 0) log.info({ pruned }, 'pruned delivered events');
        }),
      log,
    }),
    intervalTask({
      name: 'sweep',
      intervalMs: SWEEP_INTERVAL_MS,
      // Post cleanup first: it detaches photos the media collector may then remove.
      run: () =>
        ifAdvisoryLockFree(db, 'sweep', async () => {
          await postCleanup.run();
          await mediaSweeper.sweep();
          await workers.limits.prune();
        }),
      log,
    }),
    {
      name: 'export builder',
      runsIn: 'worker-role',
      start: () => workers.exportBuilder.start(),
      flush: async () => void (await workers.exportBuilder.drain()),
      stop: () => workers.exportBuilder.stop(),
    },
    intervalTask({
      name: 'account data cleanup',
      intervalMs: SWEEP_INTERVAL_MS,
      run: () => ifAdvisoryLockFree(db, 'account data cleanup', () => workers.accountPurge.run()),
      log,
    }),
    {
      name: 'tag counter',
      runsIn: 'worker-role',
      start: () => undefined,
      flush: () => tagCounter.flush(),
      stop: () => tagCounter.flush(),
    },
    {
      // Every role serves the API, so every process counts views and must write them.
      name: 'view counter',
      runsIn: 'every-role',
      start: () => viewCounter.start(),
      flush: () => viewCounter.flush(),
      stop: () => viewCounter.stop(),
    },
    workers.words.fileWatch(),
    {
      name: 'session activity',
      runsIn: 'every-role',
      start: () => undefined,
      flush: () => sessionActivity.flush(),
      stop: () => sessionActivity.flush(),
    },
  ];
}
