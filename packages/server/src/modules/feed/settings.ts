export interface FeedSettings {
  /** Authors with at least this many followers are not pushed; their posts are pulled at read time. */
  celebrityFollowers: number;
  /** Followers who signed in within this many days get pushes; others get a rebuild when they return. */
  activeDays: number;
  /** Rows kept per timeline; older pages are pulled, so there is no cliff. */
  timelineCap: number;
  /** Timeline rows written per transaction during fan-out. */
  fanoutBatch: number;
  /** Posts backfilled from a newly followed account (and how recent they must be). */
  backfillPosts: number;
  backfillDays: number;
}

export const DEFAULT_FEED_SETTINGS: FeedSettings = {
  celebrityFollowers: 10_000,
  activeDays: 30,
  timelineCap: 800,
  fanoutBatch: 1_000,
  backfillPosts: 20,
  backfillDays: 30,
};
