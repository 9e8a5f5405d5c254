import type { FigureBuilder } from './figure-builder.js';
import type { Assumptions, Scenario } from './scenario-types.js';
import { compact, formatNumber } from './units.js';

const DAYS_PER_YEAR = 365;
const DECIMAL = { bytes: 'decimal' } as const;

/** Media, metadata and tables; returns the bytes per upload when the note gives media sizes. */
export function addStorage(f: FigureBuilder, s: Scenario, a: Assumptions, uploadsPerDay: number, videoShare: number) {
  let media: { bytesPerUpload: number; photoBytes: number; videoBytes: number } | undefined;
  const retention = a.retentionYears;
  if (a.photoKB !== undefined) {
    const photoBytes = a.photoKB * 1_000;
    const videoBytes = (a.videoKB ?? 0) * 1_000;
    media = { bytesPerUpload: (1 - videoShare) * photoBytes + videoShare * videoBytes, photoBytes, videoBytes };
    const photos = uploadsPerDay * (1 - videoShare);
    const videos = uploadsPerDay * videoShare;
    const how =
      videos > 0
        ? `${compact(photos)} × ${formatNumber(a.photoKB)} KB + ${compact(videos)} × ${formatNumber(a.videoKB ?? 0)} KB`
        : `${compact(photos)} × ${formatNumber(a.photoKB)} KB`;
    const sizes: (keyof Assumptions)[] = ['photoKB', 'videoKB', 'photosPerPoster', 'videosPerPoster'];
    const perDay = f.add(
      'mediaPerDay',
      'media stored/day',
      DECIMAL,
      { from: ['uploadsPerDay'], uses: sizes },
      {
        value: uploadsPerDay * media.bytesPerUpload,
        how,
      },
    )!;
    f.add(
      'mediaPerYear',
      'media stored/year',
      DECIMAL,
      { from: ['mediaPerDay'] },
      { value: perDay * DAYS_PER_YEAR, how: 'per day × 365' },
    );
    if (retention !== undefined && retention !== 1) {
      f.add(
        'mediaRetained',
        `media stored over ${retention} years`,
        DECIMAL,
        { from: ['mediaPerDay'], uses: ['retentionYears'] },
        {
          value: perDay * DAYS_PER_YEAR * retention,
          how: `per day × 365 × ${retention}`,
        },
      );
    }
  }

  // Metadata and tables, in the note's units.
  const units = { bytes: s.tableUnits };
  if (a.metadataBytesPerPhoto === undefined) return media;
  const metaPerDay = f.add(
    'metadataPerDay',
    'metadata stored/day',
    units,
    { from: ['uploadsPerDay'], uses: ['metadataBytesPerPhoto'] },
    {
      value: uploadsPerDay * a.metadataBytesPerPhoto,
      how: `${compact(uploadsPerDay)} × ${formatNumber(a.metadataBytesPerPhoto)} B`,
    },
  )!;
  if (retention === undefined) return media;
  const label = `metadata stored over ${retention} year${retention === 1 ? '' : 's'}`;
  const metaRetained = f.add(
    'metadataRetained',
    label,
    units,
    { from: ['metadataPerDay'], uses: ['retentionYears'] },
    {
      value: metaPerDay * DAYS_PER_YEAR * retention,
      how: `per day × 365 × ${retention}`,
    },
  )!;
  const { totalUsers, userRowBytes, followRowBytes, followsPerUser } = a;
  if (
    totalUsers === undefined ||
    userRowBytes === undefined ||
    followRowBytes === undefined ||
    followsPerUser === undefined
  ) {
    return media;
  }
  const userTable = f.add(
    'userTable',
    'user table',
    units,
    { uses: ['totalUsers', 'userRowBytes'] },
    {
      value: totalUsers * userRowBytes,
      how: `${compact(totalUsers)} users × ${userRowBytes} B`,
    },
  )!;
  const rows = f.add(
    'followRows',
    'follow rows',
    { unit: 'rows' },
    { uses: ['totalUsers', 'followsPerUser'] },
    {
      value: totalUsers * followsPerUser,
      how: `${compact(totalUsers)} users × ${followsPerUser} follows`,
    },
  )!;
  const followTable = f.add(
    'followTable',
    'follow table',
    units,
    { from: ['followRows'], uses: ['followRowBytes'] },
    {
      value: rows * followRowBytes,
      how: `${compact(rows)} rows × ${followRowBytes} B`,
    },
  )!;
  f.add(
    'tablesRetained',
    `tables after ${retention} years`,
    units,
    { from: ['userTable', 'metadataRetained', 'followTable'] },
    {
      value: userTable + metaRetained + followTable,
      how: 'users + metadata + follows',
    },
  );
  return media;
}
