import type { RunResult } from '../engine/merge.js';
import type { Operator, Threshold } from './parse.js';

export interface ThresholdVerdict {
  threshold: string;
  passed: boolean;
  /** The measured value in the threshold's unit, or null when nothing was measured. */
  actual: number | null;
  /** `feed.p99 = 183.2 ms (< 200 ms): passed`. */
  message: string;
}

export function evaluateThresholds(thresholds: readonly Threshold[], result: RunResult): ThresholdVerdict[] {
  return thresholds.map((threshold) => evaluate(threshold, result));
}

function evaluate(threshold: Threshold, result: RunResult): ThresholdVerdict {
  if (threshold.kind === 'ratio') {
    const due = result.counts.started + result.counts.dropped;
    const part =
      threshold.of === 'errors'
        ? result.counts.failed + result.counts.dropped
        : threshold.of === 'late'
          ? result.counts.late
          : result.counts.dropped;
    const actual = due === 0 ? 0 : part / due;
    return verdict(threshold.text, threshold.of, actual * 100, threshold.op, threshold.ratio * 100, '%');
  }
  if (threshold.kind === 'throughput') {
    return verdict(threshold.text, 'throughput', result.throughput, threshold.op, threshold.perSecond, ' req/s');
  }
  const all = threshold.requests === 'all';
  const metric = result.metrics[threshold.metric];
  const summary = all ? metric?.all : metric;
  const label = `${threshold.metric}.${threshold.stat}${all ? '_all' : ''}`;
  if (!summary || summary.count === 0) {
    const known = Object.keys(result.metrics).join(', ') || 'none';
    const which = all ? '' : ' successful';
    return {
      threshold: threshold.text,
      passed: false,
      actual: null,
      message: `${label}: no${which} ${threshold.metric} requests were measured (metrics of this run: ${known}): failed`,
    };
  }
  const stat = threshold.stat === 'avg' ? 'mean' : threshold.stat === 'p99.9' ? 'p999' : threshold.stat;
  return verdict(threshold.text, label, summary[stat], threshold.op, threshold.ms, ' ms');
}

function verdict(text: string, label: string, actual: number, op: Operator, limit: number, unit: string) {
  const passed = compare(actual, op, limit);
  return {
    threshold: text,
    passed,
    actual,
    message: `${label} = ${round(actual)}${unit} (${op} ${round(limit)}${unit}): ${passed ? 'passed' : 'FAILED'}`,
  };
}

function compare(actual: number, op: Operator, limit: number): boolean {
  if (op === '<') return actual < limit;
  if (op === '<=') return actual <= limit;
  if (op === '>') return actual > limit;
  return actual >= limit;
}

const round = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(n === Math.round(n) ? 0 : 2));
