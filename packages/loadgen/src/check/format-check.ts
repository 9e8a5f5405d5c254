import type { ReportVerdict } from '../report/html.js';
import { ms } from '../report/table.js';
import { formatBytes } from '../plan/units.js';
import type { CheckResult, MediaMix, MeasuredStep, RateVerdict } from './check.js';
import { MIN_SAMPLES } from './step.js';
import { LARGE_PHOTO_KB, SMALL_PHOTO_KB } from '../scenarios/photos.js';

const rate = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : String(+n.toPrecision(3)));

export function formatStep(step: MeasuredStep): string {
  const cpu = step.serverCores === null ? 'server CPU n/a' : `server CPU ${step.serverCores.toFixed(2)} cores`;
  const all = step.p99All > step.p99 ? ` (all ${ms(step.p99All)} ms)` : '';
  const v = step.videos;
  const videos =
    v === null
      ? ''
      : `  videos ${v.count}${v.failed > 0 ? ` (${v.failed} failed)` : ''}: p99 accepted ${ms(v.acceptedP99)} ms, ready ${ms(v.readyP99)} ms`;
  const few = step.samples < MIN_SAMPLES ? ' (too few to judge)' : '';
  const pages = step.kind === 'feed' ? ` × ${step.requestsPerVisit.toFixed(1)} pages` : '';
  return (
    `${step.kind.padEnd(6)} ${rate(step.rate).padStart(7)}/s${pages}  ${step.seconds} s  ${step.samples} samples${few}  ` +
    `p99 ${ms(step.p99).padStart(7)} ms${all}  ` +
    `errors ${(step.errorRate * 100).toFixed(1)}%  late ${step.late}  ${cpu}  loadgen CPU ${step.loadgenCores.toFixed(2)} cores  ` +
    `load ${step.machineLoad.toFixed(1)}/core${videos}`
  );
}

/**
 * What the scenario's upload steps sent: the photos' mix of 12 MP and 1080 px sources against the
 * note's photo size, its videos (their share, the peak's video rate and both ingress bandwidths),
 * and the hashtags each post carried where the note counts tag writes.
 */
export function mediaLine(media: MediaMix): string {
  const mix =
    `photos: ${(media.largeShare * 100).toFixed(0)}% from 12 MP sources (~${LARGE_PHOTO_KB / 1_000} MB), ` +
    `the rest 1080 px (~${SMALL_PHOTO_KB} KB)`;
  const note =
    media.notePhotoKB === undefined
      ? ''
      : media.notePhotoKB > LARGE_PHOTO_KB
        ? ` — lighter than the note's ${formatKB(media.notePhotoKB)}: no source is that large`
        : ` — for the note's ${formatKB(media.notePhotoKB)}`;
  // The note's tag writes ride on the posts: each one sent carried its hashtags.
  const tags =
    media.peakTagWritesPerSec === null && media.hashtagsPerPost === 0
      ? ''
      : `; ${media.hashtagsPerPost} hashtags a post` +
        (media.peakTagWritesPerSec === null ? '' : `, the peak needs ${rate(media.peakTagWritesPerSec)} tag writes/s`);
  if (media.peakVideoUploadsPerSec === 0 && media.videoShare === 0) return `media: ${mix}${note}${tags}`;
  const sent =
    media.videoShare > 0 ? `${(media.videoShare * 100).toFixed(1)}% of uploads sent as videos` : 'no videos sent';
  return (
    `media: ${mix}${note}; ${sent}; the peak needs ${rate(media.peakVideoUploadsPerSec)} video uploads/s, ` +
    `ingress ${formatBytes(media.peakPhotoIngressBytesPerSec)}/s of photos and ${formatBytes(media.peakVideoIngressBytesPerSec)}/s of videos${tags}`
  );
}

const formatKB = (kb: number) => (kb >= 1_000 ? `${kb / 1_000} MB` : `${kb} KB`);

/** One verdict in the notes' unit: feed requests (pages) per second, or uploads per second. */
function line(kind: 'feed' | 'upload', v: RateVerdict | null): string {
  if (v === null) return `${kind}: not checked: the note models no ${kind} traffic`;
  const unit = v.unit;
  const target = `${kind === 'feed' ? 'first-page ' : ''}p99 < ${ms(v.targetP99Ms)} ms`;
  const steps = kind === 'feed' ? 'visits/s' : 'uploads/s';
  const needs = `the peak needs ${rate(v.requiredPeakPerSec)} ${unit}`;
  const unclear = v.inconclusive;
  if (v.sustainablePerSec === 0 && unclear !== null) {
    return (
      `${kind}: inconclusive: ${unclear.samples} samples at ${rate(unclear.stepRatePerSec)} ${steps} ` +
      `(${target} needs ${MIN_SAMPLES}; allow longer steps), ${needs}`
    );
  }
  const visits = kind === 'feed' && v.sustainablePerSec > 0;
  const as = visits ? ` (${rate(v.stepRatePerSec)} visits/s × ${v.requestsPerVisit.toFixed(1)} pages)` : '';
  const head = `${kind}: sustains ${rate(v.sustainablePerSec)} ${unit}${as} at ${target} over ${v.samples} samples, ${needs}`;
  const above =
    unclear === null ? '' : `; ${rate(unclear.stepRatePerSec)} ${steps} inconclusive: ${unclear.samples} samples`;
  if (v.met) return `${head}: met on this deployment (limit: ${v.saturated})${above}`;
  if (v.nodes === null) return `${head}: no rate tried met the target here (limit: ${v.saturated})${above}`;
  return `${head}: ${v.nodes.toLocaleString('en-US')} such nodes (limit: ${v.saturated})${above}`;
}

export function formatCheck(result: CheckResult): string {
  const lines = [
    `check of ${result.target} (steps of ${result.stepSeconds} s or more, sized for ${result.minSamples} samples)`,
    '',
    'steps',
  ];
  for (const step of result.steps) lines.push(`  ${formatStep(step)}`);
  for (const v of result.verdicts) {
    lines.push('', `${v.id} — ${v.title}`, `  ${line('feed', v.feed)}`, `  ${line('upload', v.upload)}`);
    lines.push(`  ${mediaLine(v.media)}`);
  }
  lines.push('', result.scalingAssumption);
  return lines.join('\n');
}

/** The verdicts as report lines, for the HTML page. */
export function checkVerdicts(result: CheckResult): ReportVerdict[] {
  return result.verdicts.flatMap((v) => [
    ...(v.feed === null ? [] : [{ label: `${v.id} feed`, passed: v.feed.met, message: line('feed', v.feed) }]),
    { label: `${v.id} upload`, passed: v.upload.met, message: line('upload', v.upload) },
  ]);
}

/** JSON without the steps' full runs (their histograms are in the report's runs when asked). */
export function checkJson(result: CheckResult): unknown {
  return { ...result, steps: result.steps.map(({ run: _run, ...step }) => step) };
}
