import { FigureBuilder } from './figure-builder.js';
import type { Assumptions, Scenario } from './scenario-types.js';
import { addServers } from './server-figures.js';
import { addStorage } from './storage-figures.js';
import { compact, formatNumber } from './units.js';

const SECONDS_PER_DAY = 86_400;

const rate = (unit: string) => ({ unit });
const PER_SECOND = { bytes: 'decimal', perSecond: true } as const;

/** The rates `check` and `run` take from a plan. */
export interface PlanRates {
  peakFeed: number | null;
  peakUploads: number;
  readWrite: number | null;
  videoShare: number;
  peakVideoUploads: number;
  peakPhotoIngress: number;
  peakVideoIngress: number;
}

/**
 * Every figure of a scenario, in order: traffic, hashtags and events, storage, bandwidth, web
 * servers. Each is derived from the assumptions and the figures before it, so a derived figure
 * follows the note's stated ones (the peak of a stated average is that average × the factor).
 */
export function buildFigures(
  s: Scenario,
  a: Assumptions,
  overridden: ReadonlySet<keyof Assumptions>,
  preferStated: boolean,
): { builder: FigureBuilder; rates: PlanRates } {
  const f = new FigureBuilder(s, a, overridden, preferStated);
  const ok = (...values: (number | undefined)[]): boolean => values.every((v) => v !== undefined);

  // Traffic. Uploads are files: a photo or a video each.
  const postersDerived = ok(a.dau, a.postingShare) ? a.dau! * a.postingShare! : undefined;
  const posters =
    a.postingShare !== 1 || s.stated.postersPerDay
      ? f.add(
          'postersPerDay',
          'posting users/day',
          rate('users'),
          { uses: ['dau', 'postingShare'] },
          postersDerived === undefined
            ? undefined
            : { value: postersDerived, how: `${compact(a.dau!)} DAU × ${a.postingShare}` },
        )
      : postersDerived;
  const videosPerPoster = a.videosPerPoster ?? 0;
  const perPoster = ok(a.photosPerPoster) ? a.photosPerPoster! + videosPerPoster : undefined;
  // The notes' media mix: videos are a share of the uploads (Design Instagram: one per five photos, 1/6).
  const videoShare = perPoster !== undefined && perPoster > 0 ? videosPerPoster / perPoster : 0;
  const what =
    videosPerPoster > 0
      ? `(${a.photosPerPoster} photos + ${videosPerPoster} video${videosPerPoster === 1 ? '' : 's'})`
      : `${a.photosPerPoster} photos`;
  const uploadsPerDay = f.add(
    'uploadsPerDay',
    'uploads/day',
    rate('uploads'),
    { from: ['postersPerDay'], uses: ['dau', 'postingShare', 'photosPerPoster', 'videosPerPoster'] },
    ok(posters, perPoster)
      ? { value: posters! * perPoster!, how: `${compact(posters!)} posting users × ${what}` }
      : undefined,
  );
  if (uploadsPerDay === undefined) throw new Error(`scenario ${s.id} models no uploads`);
  const uploadsPerSec = f.add(
    'uploadsPerSec',
    'uploads/s (average)',
    rate('uploads/s'),
    { from: ['uploadsPerDay'] },
    {
      value: uploadsPerDay / SECONDS_PER_DAY,
      how: `${compact(uploadsPerDay)} ÷ 86,400 s`,
    },
  )!;
  const peak = `× ${a.peakFactor} peak factor`;
  const peakUploads = f.add(
    'peakUploadsPerSec',
    'uploads/s (peak)',
    rate('uploads/s'),
    { from: ['uploadsPerSec'], uses: ['peakFactor'] },
    { value: uploadsPerSec * a.peakFactor, how: `${formatNumber(uploadsPerSec)}/s ${peak}` },
  )!;
  const peakVideoUploads = peakUploads * videoShare;
  if (videoShare > 0) {
    const share = `${videosPerPoster}/${perPoster} (${videosPerPoster} video per ${a.photosPerPoster} photos)`;
    f.add(
      'peakVideoUploadsPerSec',
      'video uploads/s (peak)',
      rate('uploads/s'),
      { from: ['peakUploadsPerSec'], uses: ['photosPerPoster', 'videosPerPoster'] },
      { value: peakVideoUploads, how: `${formatNumber(peakUploads)}/s × ${share}` },
    );
  }
  const feedPerDay = f.add(
    'feedRequestsPerDay',
    'feed requests/day',
    rate('requests'),
    { uses: ['dau', 'feedViewsPerUser'] },
    ok(a.dau, a.feedViewsPerUser)
      ? { value: a.dau! * a.feedViewsPerUser!, how: `${compact(a.dau!)} DAU × ${a.feedViewsPerUser} feed pages` }
      : undefined,
  );
  let peakFeed: number | null = null;
  let readWrite: number | null = null;
  let feedPerSec: number | undefined;
  if (feedPerDay !== undefined) {
    feedPerSec = f.add(
      'feedRequestsPerSec',
      'feed requests/s (average)',
      rate('requests/s'),
      { from: ['feedRequestsPerDay'] },
      { value: feedPerDay / SECONDS_PER_DAY, how: `${compact(feedPerDay)} ÷ 86,400 s` },
    )!;
    peakFeed = f.add(
      'peakFeedRequestsPerSec',
      'feed requests/s (peak)',
      rate('requests/s'),
      { from: ['feedRequestsPerSec'], uses: ['peakFactor'] },
      { value: feedPerSec * a.peakFactor, how: `${formatNumber(feedPerSec)}/s ${peak}` },
    )!;
    readWrite = f.add(
      'readWriteRatio',
      'read:write ratio',
      rate(':1'),
      { from: ['feedRequestsPerDay', 'uploadsPerDay'] },
      {
        value: feedPerDay / uploadsPerDay,
        how: `${compact(feedPerDay)} feed requests ÷ ${compact(uploadsPerDay)} uploads`,
      },
    )!;
  }

  // Hashtags and the event bus (the Instagram case-study notes).
  if (a.hashtagsPerPost !== undefined) {
    const tags = f.add(
      'tagWritesPerDay',
      'tag writes/day',
      rate('writes'),
      { from: ['uploadsPerDay'], uses: ['hashtagsPerPost'] },
      {
        value: uploadsPerDay * a.hashtagsPerPost,
        how: `${compact(uploadsPerDay)} posts × ${a.hashtagsPerPost} hashtags`,
      },
    )!;
    const tagsPerSec = f.add(
      'tagWritesPerSec',
      'tag writes/s (average)',
      rate('writes/s'),
      { from: ['tagWritesPerDay'] },
      {
        value: tags / SECONDS_PER_DAY,
        how: `${compact(tags)} ÷ 86,400 s`,
      },
    )!;
    f.add(
      'peakTagWritesPerSec',
      'tag writes/s (peak)',
      rate('writes/s'),
      { from: ['tagWritesPerSec'], uses: ['peakFactor'] },
      {
        value: tagsPerSec * a.peakFactor,
        how: `${formatNumber(tagsPerSec)}/s ${peak}`,
      },
    );
  }
  if (a.eventRetentionDays !== undefined) {
    f.add(
      'eventsRetained',
      'post events retained',
      rate('events'),
      { from: ['uploadsPerDay'], uses: ['eventRetentionDays'] },
      {
        value: uploadsPerDay * a.eventRetentionDays,
        how: `${compact(uploadsPerDay)} posts/day × ${a.eventRetentionDays} days`,
      },
    );
  }

  const media = addStorage(f, s, a, uploadsPerDay, videoShare);

  // Bandwidth: the upload rate × the bytes of an average upload, as the notes compute it.
  let peakPhotoIngress = 0;
  let peakVideoIngress = 0;
  if (media !== undefined) {
    const avg = `${formatNumber(media.bytesPerUpload / 1e6)} MB per upload`;
    const sizes: ('photoKB' | 'videoKB' | 'photosPerPoster' | 'videosPerPoster')[] = [
      'photoKB',
      'videoKB',
      'photosPerPoster',
      'videosPerPoster',
    ];
    f.add(
      'ingressPerSec',
      'ingress (average)',
      PER_SECOND,
      { from: ['uploadsPerSec'], uses: sizes },
      {
        value: uploadsPerSec * media.bytesPerUpload,
        how: `${formatNumber(uploadsPerSec)} uploads/s × ${avg}`,
      },
    );
    f.add(
      'peakIngressPerSec',
      'ingress (peak)',
      PER_SECOND,
      { from: ['peakUploadsPerSec'], uses: sizes },
      {
        value: peakUploads * media.bytesPerUpload,
        how: `${formatNumber(peakUploads)} uploads/s × ${avg}`,
      },
    );
    peakPhotoIngress = peakUploads * (1 - videoShare) * media.photoBytes;
    peakVideoIngress = peakVideoUploads * media.videoBytes;
    // Videos dwarf photos in bytes (150 MB against 5 MB in Design Instagram): their bandwidth is shown apart.
    if (videoShare > 0) {
      const by = (n: number, bytes: number) => `${formatNumber(n)} uploads/s × ${formatNumber(bytes / 1_000)} KB`;
      f.add(
        'peakPhotoIngressPerSec',
        'photo ingress (peak)',
        PER_SECOND,
        { from: ['peakUploadsPerSec'], uses: sizes },
        {
          value: peakPhotoIngress,
          how: by(peakUploads * (1 - videoShare), media.photoBytes),
        },
      );
      f.add(
        'peakVideoIngressPerSec',
        'video ingress (peak)',
        PER_SECOND,
        { from: ['peakUploadsPerSec'], uses: sizes },
        {
          value: peakVideoIngress,
          how: by(peakVideoUploads, media.videoBytes),
        },
      );
    }
  }

  if (feedPerSec !== undefined && a.feedViewKB !== undefined) {
    const egress = f.add(
      'egressPerSec',
      'image egress (average)',
      PER_SECOND,
      { from: ['feedRequestsPerSec'], uses: ['feedViewKB'] },
      { value: feedPerSec * a.feedViewKB * 1_000, how: `${formatNumber(feedPerSec)} requests/s × ${a.feedViewKB} KB` },
    )!;
    if (a.cdnHitRatio !== undefined) {
      const served = `${Math.round(a.cdnHitRatio * 1000) / 10}%`;
      f.add(
        'originEgressPerSec',
        'origin egress (CDN misses)',
        PER_SECOND,
        { from: ['egressPerSec'], uses: ['cdnHitRatio'] },
        {
          value: egress * (1 - a.cdnHitRatio),
          how: `egress × (1 − ${served} CDN hits)`,
        },
      );
    }
  }

  addServers(f, s, a, peakUploads, peakFeed);
  return {
    builder: f,
    rates: { peakFeed, peakUploads, readWrite, videoShare, peakVideoUploads, peakPhotoIngress, peakVideoIngress },
  };
}
