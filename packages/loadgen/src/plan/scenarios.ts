/**
 * The design notes' capacity scenarios, with every assumption written out. Each scenario is one
 * note, named by its title in `source`. `stated` holds each figure exactly as its note writes it,
 * with the line it is on, so a plan can show the derived value next to the note's.
 */

export type ScenarioId = 'seed-001' | 'seed-002' | 'seed-003';

/** What a plan is derived from. Sizes are decimal (1 KB = 1,000 B) unless a figure says otherwise. */
export interface Assumptions {
  /** Registered accounts (seed-003: monthly actives); sizes the user and follow tables. */
  totalUsers: number;
  /** Daily active users: every rate scales with it. */
  dau: number;
  /** Share of daily actives who upload on a given day (0–1). */
  postingShare: number;
  /** Photos each posting user uploads per day. */
  photosPerPoster: number;
  /** Videos each posting user uploads per day. */
  videosPerPoster: number;
  /** Stored bytes per photo (all resolutions the note counts), KB. */
  photoKB: number;
  /** Stored bytes per video, KB. */
  videoKB: number;
  /** Home-feed loads per daily active user per day. */
  feedViewsPerUser: number;
  /** Peak rate ÷ average rate, for uploads and feed reads alike. */
  peakFactor: number;
  /** Metadata stored per uploaded photo (a photo-table row), bytes. */
  metadataBytesPerPhoto: number;
  /** Years of retention the storage totals cover. */
  retentionYears: number;
  /** Image bytes served per feed load, KB; no egress figures without it. */
  feedViewKB?: number;
  /** Share of image egress the CDN serves (0–1); no origin figure without it. */
  cdnHitRatio?: number;
  /** Bytes per user-table row; no table figures without the three row sizes. */
  userRowBytes?: number;
  /** Bytes per follow-table row. */
  followRowBytes?: number;
  /** Accounts each user follows on average. */
  followsPerUser?: number;
}

export interface Scenario {
  id: ScenarioId;
  title: string;
  /** The title of the design note it comes from. */
  source: string;
  assumptions: Assumptions;
  /** p99 targets `check` measures against, in milliseconds. */
  targets: { feedP99Ms: number; uploadP99Ms: number };
  /** Where the note is inconsistent or silent, and what the plan assumes instead. */
  notes: string[];
  /** The figures the note states, in its own words, by figure key (see plan.ts). */
  stated: Partial<Record<FigureKey, string>>;
  /**
   * Units the note's metadata and table sizes are in: "What is Instagram (Simplified)" writes "GB"/"TB"
   * for powers of 1,024 there (500M × 68 B = 34.0e9 B is its "~32 GB"), "Instagram / Photo Sharing"
   * for powers of 1,000.
   */
  tableUnits: 'binary' | 'decimal';
}

/** Every figure a plan can derive; which ones a plan shows depends on the assumptions present. */
export type FigureKey =
  | 'postersPerDay'
  | 'uploadsPerDay'
  | 'uploadsPerSec'
  | 'peakUploadsPerSec'
  | 'peakVideoUploadsPerSec'
  | 'feedReadsPerDay'
  | 'feedReadsPerSec'
  | 'peakFeedReadsPerSec'
  | 'readWriteRatio'
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
  | 'originEgressPerSec';

const SEED_001: Scenario = {
  id: 'seed-001',
  title: 'Photo sharing, 1M DAU (Instagram simplified)',
  source: 'What is Instagram (Simplified)',
  assumptions: {
    totalUsers: 500_000_000,
    dau: 1_000_000,
    postingShare: 1,
    photosPerPoster: 2,
    videosPerPoster: 0,
    photoKB: 200,
    videoKB: 0,
    feedViewsPerUser: 20,
    peakFactor: 2,
    metadataBytesPerPhoto: 284,
    retentionYears: 10,
    userRowBytes: 68,
    followRowBytes: 8,
    followsPerUser: 500,
  },
  targets: { feedP99Ms: 200, uploadP99Ms: 5_000 },
  notes: [
    'The note states 2M photos/day for 1M DAU; modelled as 2 photos per daily active user, so --dau scales uploads.',
    'The note states no feed views per user nor a peak factor: 20 views/day and 2× are borrowed from seed-003.',
    'The note states no upload latency target: 5 s is seed-003’s.',
    '"1425TB" is 400 GB × 3,650 divided by 1,024 (decimal GB, then binary TB); in decimal units it is 1,460 TB = 1.46 PB.',
    'Table sizes are in binary units as the note computes them (its "~32 GB" user table is 500M × 68 B = 31.7 GiB).',
  ],
  stated: {
    uploadsPerDay: '2M (line 41)',
    uploadsPerSec: '~23 photos/sec (line 41)',
    mediaPerDay: '400GB/day (line 44)',
    mediaRetained: '≈ 1425TB (~1.4PB) (line 45)',
    userTable: '~32 GB (line 112)',
    metadataPerDay: '~0.5 GB (line 123)',
    metadataRetained: '~1.88 TB (line 124)',
    followRows: '250B (line 131)',
    followTable: '~1.82 TB (line 132)',
    tablesRetained: '≈ 3.7 TB (line 138)',
  },
  tableUnits: 'binary',
};

const SEED_002: Scenario = {
  id: 'seed-002',
  title: 'Instagram, 50M DAU with photos and videos',
  source: 'Design Instagram',
  assumptions: {
    totalUsers: 100_000_000,
    dau: 50_000_000,
    postingShare: 0.2,
    photosPerPoster: 5,
    videosPerPoster: 1,
    photoKB: 5_000,
    videoKB: 150_000,
    feedViewsPerUser: 20,
    peakFactor: 2,
    metadataBytesPerPhoto: 1_000,
    retentionYears: 1,
  },
  targets: { feedP99Ms: 200, uploadP99Ms: 5_000 },
  notes: [
    'The note divides by 100,000 s/day, not 86,400: 60M writes/day is 694/s (it says 600), 1B reads/day is 11,574/s (it says 10,000); its peaks (1,200 and 20,000) are 2× those.',
    'Media per day: 10M posters × (5 × 5 MB + 150 MB) = 1.75 PB/day; the note writes "60 million × 200 Mb = 1 Petabyte / day", and neither 60M × 200 MB (12 PB) nor 1.75 PB is 1 PB. Its "400 Petabyte / year" is 1 PB × 365 rounded.',
    '"Mb" is read as megabytes: as megabits the day would be 219 TB, further still from 1 PB.',
    'The note states no metadata size; 1 KB per upload is borrowed from seed-003. Its only consistency target is the 5-minute SLA (eventual consistency).',
    'The note states no latency targets: feed 200 ms (seed-001) and upload 5 s (seed-003) are borrowed.',
  ],
  stated: {
    postersPerDay: '10 million users (line 27)',
    uploadsPerDay: '60 million write requests / day (line 27)',
    uploadsPerSec: '600 writes / sec (line 27)',
    peakUploadsPerSec: '1200 writes / sec (line 27)',
    mediaPerDay: '1 Petabyte / day (line 28)',
    mediaPerYear: '400 Petabyte / year (line 28)',
    feedReadsPerDay: '1 billion requests / day (line 29)',
    feedReadsPerSec: '10000 QPS (line 29)',
    peakFeedReadsPerSec: 'Peak QPS = 20000 (line 29)',
  },
  tableUnits: 'decimal',
};

const SEED_003: Scenario = {
  id: 'seed-003',
  title: 'Instagram at 500M DAU',
  source: 'Instagram / Photo Sharing',
  assumptions: {
    totalUsers: 1_000_000_000,
    dau: 500_000_000,
    postingShare: 1,
    photosPerPoster: 0.2,
    videosPerPoster: 0,
    photoKB: 2_000,
    videoKB: 0,
    feedViewsPerUser: 20,
    peakFactor: 2,
    metadataBytesPerPhoto: 1_000,
    retentionYears: 5,
    feedViewKB: 500,
    cdnHitRatio: 0.95,
    followsPerUser: 200,
  },
  targets: { feedP99Ms: 500, uploadP99Ms: 5_000 },
  notes: [
    'The note states 100M photos/day for 500M DAU; modelled as 0.2 photos per daily active user, so --dau scales uploads.',
    'Peak feed reads: the note states 300,000/s, 2.6× its 115,000/s average, while its only stated peak factor is 2× (uploads); at 2× the peak is 231,481/s.',
    'Ingress uses the stored 2 MB per photo (all resolutions), as the note does.',
    'The note gives no row sizes, so no table figures; 1B monthly actives stand in for total users.',
  ],
  stated: {
    uploadsPerDay: '100M photos uploaded per day (line 30)',
    uploadsPerSec: '≈ 1,150 uploads/second (line 53)',
    peakUploadsPerSec: '2,300 uploads/second (line 54)',
    feedReadsPerDay: '10B reads/day (line 57)',
    feedReadsPerSec: '≈ 115,000 reads/second (line 58)',
    peakFeedReadsPerSec: '300,000 reads/second (line 59)',
    readWriteRatio: '≈ 100:1 (line 61)',
    mediaPerDay: '200 TB/day (line 68)',
    mediaRetained: '365 PB (line 69)',
    metadataPerDay: '100 GB/day (line 73)',
    metadataRetained: '180 TB (line 74)',
    ingressPerSec: '2.3 GB/second (line 80)',
    egressPerSec: '57.5 GB/second (line 83)',
    originEgressPerSec: '2.9 GB/second (line 84)',
  },
  tableUnits: 'decimal',
};

export const SCENARIOS: Record<ScenarioId, Scenario> = {
  'seed-001': SEED_001,
  'seed-002': SEED_002,
  'seed-003': SEED_003,
};

export const SCENARIO_IDS = Object.keys(SCENARIOS) as ScenarioId[];

/** The scenario for a user-supplied id, or an error that lists the valid ones. */
export function findScenario(id: string): Scenario {
  if (id in SCENARIOS) return SCENARIOS[id as ScenarioId];
  throw new Error(`Unknown scenario "${id}": use one of ${SCENARIO_IDS.join(', ')}.`);
}
