import type { ReportVerdict } from '../report/html.js';
import { ms } from '../report/table.js';
import type { CheckResult, MeasuredStep, RateVerdict } from './check.js';

const rate = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : String(+n.toPrecision(3)));

export function formatStep(step: MeasuredStep): string {
  const cpu = step.serverCores === null ? 'server CPU n/a' : `server CPU ${step.serverCores.toFixed(2)} cores`;
  return (
    `${step.kind.padEnd(6)} ${rate(step.rate).padStart(7)}/s  p99 ${ms(step.p99).padStart(7)} ms  ` +
    `errors ${(step.errorRate * 100).toFixed(1)}%  late ${step.late}  ${cpu}  loadgen CPU ${step.loadgenCores.toFixed(2)} cores  ` +
    `load ${step.machineLoad.toFixed(1)}/core`
  );
}

function line(kind: string, v: RateVerdict): string {
  const target = `p99 < ${ms(v.targetP99Ms)} ms`;
  const head = `${kind}: sustains ${rate(v.sustainablePerSec)}/s (${target}), the peak needs ${rate(v.requiredPeakPerSec)}/s`;
  if (v.met) return `${head}: met on this deployment (limit: ${v.saturated})`;
  if (v.nodes === null) return `${head}: no rate tried met the target here (limit: ${v.saturated})`;
  return `${head}: ${v.nodes.toLocaleString('en-US')} such nodes (limit: ${v.saturated})`;
}

export function formatCheck(result: CheckResult): string {
  const lines = [`check of ${result.target} (${result.stepSeconds} s steps)`, '', 'steps'];
  for (const step of result.steps) lines.push(`  ${formatStep(step)}`);
  for (const v of result.verdicts)
    lines.push('', `${v.id} — ${v.title}`, `  ${line('feed', v.feed)}`, `  ${line('upload', v.upload)}`);
  lines.push('', result.scalingAssumption);
  return lines.join('\n');
}

/** The verdicts as report lines, for the HTML page. */
export function checkVerdicts(result: CheckResult): ReportVerdict[] {
  return result.verdicts.flatMap((v) => [
    { label: `${v.id} feed`, passed: v.feed.met, message: line('feed', v.feed) },
    { label: `${v.id} upload`, passed: v.upload.met, message: line('upload', v.upload) },
  ]);
}

/** JSON without the steps' full runs (their histograms are in the report's runs when asked). */
export function checkJson(result: CheckResult): unknown {
  return { ...result, steps: result.steps.map(({ run: _run, ...step }) => step) };
}
