import type { FigureBuilder } from './figure-builder.js';
import type { Assumptions, Scenario } from './scenario-types.js';
import { formatNumber } from './units.js';

/**
 * Web servers by their connection limit ("What is Instagram (Simplified)": 500, uploads and reads
 * on separate servers). Requests in flight at the peak = rate × time each is held (Little's law);
 * the p99 target stands in for that time, so these are upper bounds.
 */
export function addServers(
  f: FigureBuilder,
  s: Scenario,
  a: Assumptions,
  peakUploads: number,
  peakFeed: number | null,
): void {
  const limit = a.connectionsPerServer;
  if (limit === undefined) return;
  const upload = s.targets.uploadP99Ms / 1000;
  const conns = f.add(
    'peakUploadConnections',
    'upload connections (peak)',
    { unit: 'connections' },
    { from: ['peakUploadsPerSec'] },
    {
      value: peakUploads * upload,
      how: `${formatNumber(peakUploads)} uploads/s × ${upload} s upload target`,
    },
  )!;
  f.add(
    'uploadServers',
    'upload servers',
    { unit: 'server(s)' },
    { from: ['peakUploadConnections'], uses: ['connectionsPerServer'] },
    {
      value: Math.ceil(conns / limit),
      how: `⌈${formatNumber(conns)} ÷ ${formatNumber(limit)} connections per server⌉`,
    },
  );
  if (peakFeed === null || s.targets.feedP99Ms === undefined) return;
  const feed = s.targets.feedP99Ms / 1000;
  const feedConns = f.add(
    'peakFeedConnections',
    'feed connections (peak)',
    { unit: 'connections' },
    { from: ['peakFeedRequestsPerSec'] },
    {
      value: peakFeed * feed,
      how: `${formatNumber(peakFeed)} requests/s × ${feed} s feed target`,
    },
  )!;
  f.add(
    'feedServers',
    'feed (read) servers',
    { unit: 'server(s)' },
    { from: ['peakFeedConnections'], uses: ['connectionsPerServer'] },
    {
      value: Math.ceil(feedConns / limit),
      how: `⌈${formatNumber(feedConns)} ÷ ${formatNumber(limit)} connections per server⌉`,
    },
  );
}
