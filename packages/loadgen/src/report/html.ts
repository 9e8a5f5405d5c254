import type { RunResult } from '../engine/merge.js';
import { barChart, escapeXml, lineChart, type Series } from './svg.js';
import { describeModel, describeSends, metricRows, ms } from './table.js';

/** A pass/fail line shown in the report: a threshold, or a `check` verdict. */
export interface ReportVerdict {
  label: string;
  passed: boolean;
  message: string;
}

const COLOURS = ['#1f6feb', '#d97706', '#059669', '#9333ea', '#dc2626', '#0891b2'];

/**
 * Where a percentile sits on the chart: -log10(1 - p), so that 90, 99, 99.9 are evenly spaced and
 * the tail, where queueing shows, gets most of the width (as HdrHistogram's own plots do).
 */
const tailX = (percentile: number) => -Math.log10(Math.max(1e-5, 1 - percentile / 100));

/** A self-contained HTML page: inline CSS and SVG, no scripts, nothing loaded from elsewhere. */
export function renderReport(options: {
  title: string;
  runs: RunResult[];
  verdicts: ReportVerdict[];
  notes?: string[];
}): string {
  const sections = options.runs.map((run, i) => runSection(run, i));
  const verdicts =
    options.verdicts.length === 0
      ? ''
      : `<h2>Verdicts</h2><ul class="verdicts">${options.verdicts
          .map(
            (v) =>
              `<li class="${v.passed ? 'pass' : 'fail'}"><b>${v.passed ? '✓' : '✗'} ${escapeXml(v.label)}</b> — ${escapeXml(v.message)}</li>`,
          )
          .join('')}</ul>`;
  const notes = (options.notes ?? []).map((n) => `<p class="note">${escapeXml(n)}</p>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(options.title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#1a1a1a}
table{border-collapse:collapse;margin:.5em 0}td,th{padding:.25em .7em;border-bottom:1px solid #ddd;text-align:right}
td:first-child,th:first-child{text-align:left}.pass{color:#047857}.fail{color:#b91c1c}.note{color:#555}
ul.verdicts{list-style:none;padding:0}svg{max-width:100%;height:auto;border:1px solid #eee;margin:.5em 0}
</style></head><body>
<h1>${escapeXml(options.title)}</h1>
${verdicts}${notes}
${sections.join('\n')}
<p class="note">Latencies are timed from when each request was due under the schedule (open model), so queueing in the server shows up in them.</p>
</body></html>
`;
}

function runSection(run: RunResult, index: number): string {
  const metrics = Object.entries(run.metrics);
  const rows = metricRows(run)
    .map(
      ({ label, m }) =>
        `<tr><td>${escapeXml(label)}</td><td>${ms(m.p50)}</td><td>${ms(m.p90)}</td><td>${ms(m.p99)}</td><td>${ms(m.p999)}</td><td>${ms(m.max)}</td><td>${m.count}</td></tr>`,
    )
    .join('');
  const allNote = metrics.some(([, m]) => m.all.failed > 0)
    ? '<p class="note">(all) rows count failed and timed-out requests at the time they took to fail.</p>'
    : '';
  const curves: Series[] = metrics.map(([name, m], i) => ({
    name,
    colour: COLOURS[i % COLOURS.length]!,
    points: m.curve.map((c) => ({ x: tailX(c.percentile), y: c.ms })),
  }));
  const percentiles = lineChart({
    title: 'Latency by percentile',
    series: curves,
    xLabel: 'percentile',
    yLabel: 'latency (ms)',
    xTicks: [0, 50, 90, 99, 99.9, 99.99].map((p) => ({ x: tailX(p), label: String(p) })),
  });
  const throughput = barChart({
    title: 'Throughput per second',
    xLabel: 'second of the run',
    yLabel: 'requests finished',
    series: [
      { name: 'completed', colour: '#1f6feb', points: run.series.map((s) => ({ x: s.second, y: s.completed })) },
      { name: 'failed', colour: '#dc2626', points: run.series.map((s) => ({ x: s.second, y: s.failed })) },
    ],
  });
  const overTime = lineChart({
    title: `${run.primary} latency over time`,
    xLabel: 'second of the run',
    yLabel: 'latency (ms)',
    series: [
      { name: 'p50', colour: '#059669', points: run.series.map((s) => ({ x: s.second, y: s.p50 })) },
      { name: 'p99', colour: '#d97706', points: run.series.map((s) => ({ x: s.second, y: s.p99 })) },
    ],
  });
  const errors = Object.entries(run.errors)
    .map(([code, n]) => `${escapeXml(code)} ${n}`)
    .join(', ');
  return `<section><h2>${index + 1}. ${escapeXml(run.scenario)} — ${escapeXml(describeModel(run))}</h2>
<p>Target ${escapeXml(run.target)}, started ${escapeXml(run.startedAt)}. Throughput ${run.throughput.toFixed(1)} completed/s;
errors ${(run.errorRate * 100).toFixed(2)}%${errors ? ` (${errors})` : ''}; ${run.counts.late} late and ${run.counts.dropped} dropped starts.
Sends: ${escapeXml(describeSends(run.sends))}.</p>
<table><tr><th>latency (ms)</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th><th>count</th></tr>${rows}</table>
${allNote}
${percentiles}
${throughput}
${overTime}
</section>`;
}
