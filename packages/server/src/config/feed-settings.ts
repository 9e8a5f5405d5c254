/**
 * The home feed: the contract and defaults the config parses into and the module reads. It sits in
 * config/ because config is the lower layer: modules import it, never the other way round.
 */
export interface FeedSettings {
  /** Authors with at least this many followers are not pushed; their posts are pulled at read time. */
  celebrityFollowers: number;
  /** Followers who signed in within this many days get pushes; others get a rebuild when they return. */
  activeDays: number;
  /** Rows kept per timeline; older pages are pulled, so there is no cliff. */
  timelineCap: number;
  /**
   * Fan-out trims a timeline back to the cap on about one push in this many (1: every push), so a
   * timeline may hold some rows over the cap for a while. Finding a timeline's cut-off row is most
   * of what a push costs on a large database; readers never see the difference.
   */
  trimEvery: number;
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
  trimEvery: 16,
  fanoutBatch: 1_000,
  backfillPosts: 20,
  backfillDays: 30,
};
