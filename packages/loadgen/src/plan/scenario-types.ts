/**
 * The shape of a capacity scenario: one design note's model, every assumption written out, and the
 * figures the note states with the line each is on. The scenarios themselves are in design-notes/.
 */

export type ScenarioId =
  'instagram-hashtags-2m-posts' | 'instagram-500m-dau' | 'photo-app-1m-dau' | 'instagram-50m-dau';

/**
 * What a plan is derived from. Sizes are decimal (1 KB = 1,000 B) unless a figure says otherwise.
 * Only `peakFactor` is always there: a note that leaves an assumption out gets no figure that needs
 * it (the Instagram case-study notes size hashtag writes, not users or storage).
 */
export interface Assumptions {
  /** Registered accounts (the photo-sharing notes: monthly actives); sizes the user and follow tables. */
  totalUsers?: number;
  /** Daily active users: the feed and upload rates scale with it. */
  dau?: number;
  /** Share of daily actives who upload on a given day (0–1). */
  postingShare?: number;
  /** Photos each posting user uploads per day. */
  photosPerPoster?: number;
  /** Videos each posting user uploads per day. */
  videosPerPoster?: number;
  /** Stored bytes per photo (all resolutions the note counts), KB. */
  photoKB?: number;
  /** Stored bytes per video, KB. */
  videoKB?: number;
  /** Home-feed requests (one page each) per daily active user per day. */
  feedViewsPerUser?: number;
  /** Peak rate ÷ average rate, for every rate. */
  peakFactor: number;
  /** Metadata stored per upload (a photo-table row), bytes. */
  metadataBytesPerPhoto?: number;
  /** Years of retention the storage totals cover. */
  retentionYears?: number;
  /** Image bytes served per feed request, KB; no egress figures without it. */
  feedViewKB?: number;
  /** Share of image egress the CDN serves (0–1); no origin figure without it. */
  cdnHitRatio?: number;
  /** Bytes per user-table row; no table figures without the three row sizes. */
  userRowBytes?: number;
  /** Bytes per follow-table row. */
  followRowBytes?: number;
  /** Accounts each user follows on average. */
  followsPerUser?: number;
  /** Hashtags extracted per post, each one tag-row write; no tag figures without it. */
  hashtagsPerPost?: number;
  /** Days the event bus keeps each post's event; no event figure without it. */
  eventRetentionDays?: number;
  /** Concurrent connections one web server holds; no server counts without it. */
  connectionsPerServer?: number;
}

/** Every figure a plan can derive; which ones a plan shows depends on the assumptions present. */
export type FigureKey =
  | 'postersPerDay'
  | 'uploadsPerDay'
  | 'uploadsPerSec'
  | 'peakUploadsPerSec'
  | 'peakVideoUploadsPerSec'
  | 'feedRequestsPerDay'
  | 'feedRequestsPerSec'
  | 'peakFeedRequestsPerSec'
  | 'readWriteRatio'
  | 'tagWritesPerDay'
  | 'tagWritesPerSec'
  | 'peakTagWritesPerSec'
  | 'eventsRetained'
  | 'mediaPerDay'
  | 'mediaPerYear'
  | 'mediaRetained'
  | 'metadataPerDay'
  | 'metadataRetained'
  | 'userTable'
  | 'followRows'
  | 'followTable'
  | 'tablesRetained'
  | 'ingressPerSec'
  | 'peakIngressPerSec'
  | 'peakPhotoIngressPerSec'
  | 'peakVideoIngressPerSec'
  | 'egressPerSec'
  | 'originEgressPerSec'
  | 'peakUploadConnections'
  | 'peakFeedConnections'
  | 'uploadServers'
  | 'feedServers';

/** A figure as its note states it. */
export interface StatedFigure {
  /** The note's words, verbatim. */
  text: string;
  /** The line of the note it is on. */
  line: number;
  /**
   * The value the note states, in base units: a count, a rate per second, a ratio, or bytes
   * (bytes per second for bandwidth) in the note's own unit system (see `Scenario.tableUnits`).
   */
  value: number;
}

export interface Scenario {
  id: ScenarioId;
  /** Former ids that still work, with a deprecation warning. */
  aliases: string[];
  title: string;
  /** The title of the design note it comes from. */
  source: string;
  assumptions: Assumptions;
  /** The note's line for each assumption it states (the others are borrowed; see `notes`). */
  assumptionLines: Partial<Record<keyof Assumptions, number>>;
  /** p99 targets `check` measures against, in milliseconds; no feed target, no feed check. */
  targets: { feedP99Ms?: number; uploadP99Ms: number };
  /** Where the note is inconsistent or silent, and what the plan assumes instead. */
  notes: string[];
  /** The figures the note states. A plan uses these over what it would derive. */
  stated: Partial<Record<FigureKey, StatedFigure>>;
  /**
   * Units the note's metadata and table sizes are in: "What is Instagram (Simplified)" writes "GB"/"TB"
   * for powers of 1,024 there (500M × 68 B = 34.0e9 B is its "~32 GB"); the others powers of 1,000.
   */
  tableUnits: 'binary' | 'decimal';
}
