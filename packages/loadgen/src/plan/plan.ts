import { checkValue, OVERRIDE_FLAGS, OverrideError } from './overrides.js';
import type { Assumptions, FigureKey, Scenario } from './scenarios.js';
import type { Figure, Plan } from './types.js';
import { compact, formatBytes, formatNumber, scaleBytes, type ByteSystem } from './units.js';

export { formatPlan } from './format-plan.js';
export type { Figure, Plan } from './types.js';
export { parseOverrides, OVERRIDE_FLAGS, OverrideError } from './overrides.js';

const SECONDS_PER_DAY = 86_400;
const DAYS_PER_YEAR = 365;

/** Re-derives every figure of the scenario's note from its assumptions (with `overrides` applied). */
export function plan(s: Scenario, overrides: Partial<Assumptions> = {}): Plan {
  const overridden = (Object.keys(overrides) as (keyof Assumptions)[]).filter((k) => overrides[k] !== undefined);
  const a: Assumptions = { ...s.assumptions };
  for (const key of overridden) {
    const spec = OVERRIDE_FLAGS.find((f) => f.key === key);
    const value = overrides[key] as number;
    const problem = spec ? checkValue(spec, value) : 'is not an assumption';
    if (problem !== null) throw new OverrideError(`${key} ${problem}: got ${String(value)}.`);
    a[key] = value;
  }
  const figures: Figure[] = [];
  const add = (key: FigureKey, name: string, value: number, unit: string, derivation: string): void => {
    const stated = s.stated[key];
    figures.push({ key, name, value, unit, derivation, ...(stated !== undefined ? { stated } : {}) });
  };
  const addBytes = (key: FigureKey, name: string, bytes: number, system: ByteSystem, derivation: string): void => {
    const { value, unit } = scaleBytes(bytes, system);
    add(key, name, value, unit, `${derivation} = ${formatBytes(bytes, system)}`);
  };
  const addRate = (key: FigureKey, name: string, bytesPerSec: number, derivation: string): void => {
    const { value, unit } = scaleBytes(bytesPerSec);
    add(key, name, value, `${unit}/s`, `${derivation} = ${formatBytes(bytesPerSec)}/s`);
  };

  // Traffic.
  const posters = a.dau * a.postingShare;
  if (a.postingShare !== 1) {
    add('postersPerDay', 'posting users/day', posters, 'users', `${compact(a.dau)} DAU × ${a.postingShare}`);
  }
  const photos = posters * a.photosPerPoster;
  const videos = posters * a.videosPerPoster;
  const uploads = photos + videos;
  const perPoster =
    a.videosPerPoster > 0
      ? `(${a.photosPerPoster} photos + ${a.videosPerPoster} video${a.videosPerPoster === 1 ? '' : 's'})`
      : `${a.photosPerPoster} photos`;
  add('uploadsPerDay', 'uploads/day', uploads, 'uploads', `${compact(posters)} posting users × ${perPoster}`);
  const uploadsPerSec = uploads / SECONDS_PER_DAY;
  add('uploadsPerSec', 'uploads/s (average)', uploadsPerSec, 'uploads/s', `${compact(uploads)} ÷ 86,400 s`);
  const peakUploadsPerSec = uploadsPerSec * a.peakFactor;
  add('peakUploadsPerSec', 'uploads/s (peak)', peakUploadsPerSec, 'uploads/s', `average × ${a.peakFactor} peak factor`);
  // The notes' media mix: videos are a share of the uploads (seed-002: one per five photos, 1/6).
  const videoShare = uploads > 0 ? videos / uploads : 0;
  const peakVideoUploadsPerSec = peakUploadsPerSec * videoShare;
  if (videos > 0) {
    const share = `${a.videosPerPoster}/${a.photosPerPoster + a.videosPerPoster} (${a.videosPerPoster} video per ${a.photosPerPoster} photos)`;
    add('peakVideoUploadsPerSec', 'video uploads/s (peak)', peakVideoUploadsPerSec, 'uploads/s', `peak × ${share}`);
  }
  const reads = a.dau * a.feedViewsPerUser;
  add('feedReadsPerDay', 'feed reads/day', reads, 'reads', `${compact(a.dau)} DAU × ${a.feedViewsPerUser} views`);
  const readsPerSec = reads / SECONDS_PER_DAY;
  add('feedReadsPerSec', 'feed reads/s (average)', readsPerSec, 'reads/s', `${compact(reads)} ÷ 86,400 s`);
  const peakFeedReadsPerSec = readsPerSec * a.peakFactor;
  add(
    'peakFeedReadsPerSec',
    'feed reads/s (peak)',
    peakFeedReadsPerSec,
    'reads/s',
    `average × ${a.peakFactor} peak factor`,
  );
  const readWriteRatio = uploads > 0 ? reads / uploads : Number.POSITIVE_INFINITY;
  add(
    'readWriteRatio',
    'read:write ratio',
    readWriteRatio,
    ':1',
    `${compact(reads)} reads ÷ ${compact(uploads)} uploads`,
  );

  // Media storage: decimal units in every note.
  const mediaPerDay = photos * a.photoKB * 1_000 + videos * a.videoKB * 1_000;
  const media =
    videos > 0
      ? `${compact(photos)} × ${formatNumber(a.photoKB)} KB + ${compact(videos)} × ${formatNumber(a.videoKB)} KB`
      : `${compact(photos)} × ${formatNumber(a.photoKB)} KB`;
  addBytes('mediaPerDay', 'media stored/day', mediaPerDay, 'decimal', media);
  addBytes('mediaPerYear', 'media stored/year', mediaPerDay * DAYS_PER_YEAR, 'decimal', 'per day × 365');
  const days = DAYS_PER_YEAR * a.retentionYears;
  if (a.retentionYears !== 1) {
    const label = `media stored over ${a.retentionYears} years`;
    addBytes('mediaRetained', label, mediaPerDay * days, 'decimal', `per day × 365 × ${a.retentionYears}`);
  }

  // Metadata and tables, in the note's units.
  const units = s.tableUnits;
  const metadataPerDay = uploads * a.metadataBytesPerPhoto;
  const metaDerivation = `${compact(uploads)} × ${formatNumber(a.metadataBytesPerPhoto)} B`;
  addBytes('metadataPerDay', 'metadata stored/day', metadataPerDay, units, metaDerivation);
  const metadataRetained = metadataPerDay * days;
  const metaLabel = `metadata stored over ${a.retentionYears} year${a.retentionYears === 1 ? '' : 's'}`;
  addBytes('metadataRetained', metaLabel, metadataRetained, units, `per day × 365 × ${a.retentionYears}`);
  if (a.userRowBytes !== undefined && a.followRowBytes !== undefined && a.followsPerUser !== undefined) {
    const userTable = a.totalUsers * a.userRowBytes;
    addBytes('userTable', 'user table', userTable, units, `${compact(a.totalUsers)} users × ${a.userRowBytes} B`);
    const followRows = a.totalUsers * a.followsPerUser;
    add(
      'followRows',
      'follow rows',
      followRows,
      'rows',
      `${compact(a.totalUsers)} users × ${a.followsPerUser} follows`,
    );
    const followTable = followRows * a.followRowBytes;
    addBytes('followTable', 'follow table', followTable, units, `${compact(followRows)} rows × ${a.followRowBytes} B`);
    const total = userTable + metadataRetained + followTable;
    addBytes('tablesRetained', `tables after ${a.retentionYears} years`, total, units, 'users + metadata + follows');
  }

  // Bandwidth.
  const ingress = mediaPerDay / SECONDS_PER_DAY;
  addRate('ingressPerSec', 'ingress (average)', ingress, 'media per day ÷ 86,400 s');
  addRate('peakIngressPerSec', 'ingress (peak)', ingress * a.peakFactor, `average × ${a.peakFactor}`);
  // Videos dwarf photos in bytes (150 MB against 5 MB in seed-002): their bandwidth is shown apart.
  const peakPhotoIngress = ((photos * a.photoKB * 1_000) / SECONDS_PER_DAY) * a.peakFactor;
  const peakVideoIngress = ((videos * a.videoKB * 1_000) / SECONDS_PER_DAY) * a.peakFactor;
  if (videos > 0) {
    const perDay = (n: number, kb: number) => `${compact(n)} × ${formatNumber(kb)} KB ÷ 86,400 s × ${a.peakFactor}`;
    addRate('peakPhotoIngressPerSec', 'photo ingress (peak)', peakPhotoIngress, perDay(photos, a.photoKB));
    addRate('peakVideoIngressPerSec', 'video ingress (peak)', peakVideoIngress, perDay(videos, a.videoKB));
  }
  if (a.feedViewKB !== undefined) {
    const egress = readsPerSec * a.feedViewKB * 1_000;
    addRate('egressPerSec', 'image egress (average)', egress, `${compact(readsPerSec)} reads/s × ${a.feedViewKB} KB`);
    if (a.cdnHitRatio !== undefined) {
      const origin = egress * (1 - a.cdnHitRatio);
      const served = `${Math.round(a.cdnHitRatio * 1000) / 10}%`;
      addRate('originEgressPerSec', 'origin egress (CDN misses)', origin, `egress × (1 − ${served} CDN hits)`);
    }
  }
  return {
    scenario: s,
    assumptions: a,
    overridden,
    peakFeedReadsPerSec,
    peakUploadsPerSec,
    readWriteRatio,
    videoShare,
    peakVideoUploadsPerSec,
    peakPhotoIngressBytesPerSec: peakPhotoIngress,
    peakVideoIngressBytesPerSec: peakVideoIngress,
    figures,
  };
}
