import type { Scenario } from '../scenario-types.js';

const GiB = 2 ** 30;
const TiB = 2 ** 40;

/** "What is Instagram (Simplified)": a photo app of 1M daily actives, its tables and its web servers. */
export const PHOTO_APP_1M_DAU: Scenario = {
  id: 'photo-app-1m-dau',
  aliases: ['seed-001'],
  title: 'Photo sharing app, 1M DAU (Instagram simplified)',
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
    connectionsPerServer: 500,
  },
  assumptionLines: {
    totalUsers: 39,
    dau: 40,
    photosPerPoster: 41,
    photoKB: 42,
    retentionYears: 45,
    userRowBytes: 110,
    metadataBytesPerPhoto: 121,
    followRowBytes: 129,
    followsPerUser: 130,
    connectionsPerServer: 146,
  },
  targets: { feedP99Ms: 200, uploadP99Ms: 5_000 },
  notes: [
    'The note states 2M photos/day for 1M DAU; modelled as 2 photos per daily active user, so --dau scales uploads.',
    'The note states no feed requests per user nor a peak factor: 20 feed requests a day and 2× are borrowed from the "Instagram / Photo Sharing" notes (instagram-500m-dau).',
    'The note states no upload latency target: 5 s is that of the "Instagram / Photo Sharing" notes.',
    '"1425TB" is 400 GB × 3,650 divided by 1,024 (decimal GB, then binary TB); in decimal units it is 1,460 TB = 1.46 PB. The plan uses the note’s 1425 TB.',
    'Table sizes are in binary units as the note computes them (its "~32 GB" user table is 500M × 68 B = 31.7 GiB).',
    'The note caps a web server at 500 concurrent connections (uploads and reads alike) and separates upload from read servers: connections at the peak are rate × the p99 target, an upper bound (every request held for the whole target).',
  ],
  stated: {
    uploadsPerDay: { text: '2M', line: 41, value: 2e6 },
    uploadsPerSec: { text: '~23 photos/sec', line: 41, value: 23 },
    mediaPerDay: { text: '400GB/day', line: 44, value: 400e9 },
    mediaRetained: { text: '≈ 1425TB (~1.4PB)', line: 45, value: 1425e12 },
    userTable: { text: '~32 GB', line: 112, value: 32 * GiB },
    metadataPerDay: { text: '~0.5 GB', line: 123, value: 0.5 * GiB },
    metadataRetained: { text: '~1.88 TB', line: 124, value: 1.88 * TiB },
    followRows: { text: '250B', line: 131, value: 250e9 },
    followTable: { text: '~1.82 TB', line: 132, value: 1.82 * TiB },
    tablesRetained: { text: '≈ 3.7 TB', line: 138, value: 3.7 * TiB },
  },
  tableUnits: 'binary',
};
