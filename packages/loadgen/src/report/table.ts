import type { LatencySummary } from '../engine/histogram.js';
import type { RunResult, SendSummary } from '../engine/merge.js';
import type { RunProgress } from '../engine/run-load.js';
import type { ThresholdVerdict } from '../thresholds/evaluate.js';

/** `12.3`, `1,204`: latencies in ms, 1 decimal under 100 ms. */
export function ms(value: number): string {
  return value < 100 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US');
}

const pct = (ratio: number) => `${(ratio * 100).toFixed(2)}%`;

/** How the load was shaped, in words: `open model, 100 req/s for 30 s`. */
export function describeModel(result: Pick<RunResult, 'model' | 'workers'>): string {
  const { model } = result;
  const load =
    model.kind === 'closed'
      ? `closed loop, ${model.users} users back to back for ${model.seconds} s`
      : `open model, ${model.stages.map((s) => `${s.rate} req/s for ${s.seconds} s`).join(', then ')}`;
  return `${load}, ${result.workers} worker thread${result.workers === 1 ? '' : 's'}`;
}

/**
 * A metric's rows: its successful requests, then — when some failed — all of its requests, the
 * failures at the time they took to fail, as `name (all)`.
 */
export function metricRows(result: Pick<RunResult, 'metrics' | 'primary'>): { label: string; m: LatencySummary }[] {
  return (
    Object.entries(result.metrics)
      // The primary metric first, then the others by name.
      .sort(([a], [b]) => (a === result.primary ? -1 : b === result.primary ? 1 : a.localeCompare(b)))
      .flatMap(([name, m]) => [{ label: name, m }, ...(m.all.failed > 0 ? [{ label: `${name} (all)`, m: m.all }] : [])])
  );
}

/** How precisely requests left at their due times: `earliest +0.003 ms, late p50 0.21 ms, p99 1.4 ms`. */
export function describeSends(sends: SendSummary): string {
  if (sends.count === 0) return 'none timed (closed loop)';
  const earliest = `${sends.earliestMs >= 0 ? '+' : ''}${sends.earliestMs.toFixed(3)} ms`;
  return `earliest ${earliest} from due, late p50 ${ms(sends.lagP50Ms)} ms, p99 ${ms(sends.lagP99Ms)} ms, max ${ms(sends.lagMaxMs)} ms`;
}

/** The final table, like autocannon's: latency percentiles per metric, throughput, errors. */
export function formatResult(result: RunResult, verdicts: readonly ThresholdVerdict[] = []): string {
  const columns = ['p50', 'p90', 'p99', 'p99.9', 'max', 'mean', 'count'];
  const rows = metricRows(result).map(({ label, m }) => [
    label,
    ms(m.p50),
    ms(m.p90),
    ms(m.p99),
    ms(m.p999),
    ms(m.max),
    ms(m.mean),
    String(m.count),
  ]);
  const table = [['latency (ms)', ...columns], ...rows];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  const lines = [
    `${result.scenario} against ${result.target}: ${describeModel(result)}`,
    '',
    ...table.map((row) =>
      row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '),
    ),
    '',
    `throughput  ${result.throughput.toFixed(1)} completed/s over ${result.elapsedSeconds.toFixed(1)} s` +
      ` (${result.counts.completed} completed of ${result.counts.started + result.counts.dropped} due)`,
    `errors      ${result.counts.failed + result.counts.dropped} (${pct(result.errorRate)})${formatCodes(result.errors)}`,
    `starts      ${result.counts.late} late, ${result.counts.dropped} dropped (in-flight limit)`,
    `sends       ${describeSends(result.sends)}`,
    `loadgen CPU ${result.loadgenCpuSeconds.toFixed(1)} s (${result.loadgenSpinSeconds.toFixed(1)} s of it timing sends on the clock)`,
  ];
  if (rows.some(([label]) => label!.endsWith(' (all)'))) {
    lines.splice(
      rows.length + 3,
      0,
      '',
      '(all) rows count failed and timed-out requests at the time they took to fail.',
    );
  }
  for (const sample of result.samples) lines.push(`  e.g. ${sample}`);
  if ((result.errors['RATE_LIMITED'] ?? 0) > 0) lines.push(RATE_LIMITED_HINT);
  if (verdicts.length > 0) {
    lines.push('', 'thresholds');
    for (const v of verdicts) lines.push(`  ${v.passed ? '✓' : '✗'} ${v.message}`);
  }
  return lines.join('\n');
}

/**
 * A load test runs as a few accounts from one address, far faster than people: the server's limits
 * refuse it long before its capacity does. Said once under the table, so the refusals are not read
 * as the server's limit.
 */
export const RATE_LIMITED_HINT =
  'RATE_LIMITED: the server refused requests by its limits, not for lack of capacity. For a load test, ' +
  'run it with APERTURE_WRITE_LIMITS=off APERTURE_WRITE_LIMITS_NEW_ACCOUNT=off ' +
  'APERTURE_WRITE_LIMITS_PER_ADDRESS=off (writes) and APERTURE_RATE_LIMIT_ANON_PER_MIN=0 ' +
  'APERTURE_RATE_LIMIT_PASSWORD_PER_MIN=0 (sign-ins and signed-out calls): docs/loadgen.md.';

function formatCodes(errors: Record<string, number>): string {
  const entries = Object.entries(errors).sort(([, a], [, b]) => b - a);
  return entries.length === 0 ? '' : `: ${entries.map(([code, n]) => `${code} ${n}`).join(', ')}`;
}

/** The live line: `12 s  98.7 req/s  p50 11.2 ms  p99 40.3 ms  errors 0`. */
export function progressLine(progress: RunProgress): string {
  const { counts } = progress;
  const errors = counts.failed + counts.dropped;
  return (
    `${progress.elapsedSeconds.toFixed(0).padStart(4)} s  ${progress.rate.toFixed(1)} req/s  ` +
    `p50 ${ms(progress.p50)} ms  p99 ${ms(progress.p99)} ms  errors ${errors}` +
    (counts.late > 0 ? `  late ${counts.late}` : '')
  );
}
