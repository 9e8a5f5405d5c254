import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ProcedureMetrics } from '../api/procedure-metrics.js';

export interface Metrics extends ProcedureMetrics {
  registry: Registry;
  recordHttp(labels: { method: string; route: string; status: number }, seconds: number): void;
}

/**
 * One registry per server instance (not prom-client's global one), so several servers in one
 * process (tests, embedding) do not share or double-register metrics.
 */
export function createMetrics(options: { requestsInFlight?: () => number } = {}): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'aperture' });
  collectDefaultMetrics({ register: registry });
  const inFlight = options.requestsInFlight;
  if (inFlight) {
    new Gauge({
      name: 'aperture_http_requests_in_flight',
      help: 'HTTP requests being answered (what a graceful stop waits for), the scrape itself included.',
      registers: [registry],
      collect() {
        this.set(inFlight());
      },
    });
  }

  const procedureDuration = new Histogram({
    name: 'aperture_trpc_request_duration_seconds',
    help: 'Duration of tRPC procedure calls.',
    labelNames: ['procedure', 'type', 'code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5],
    registers: [registry],
  });
  const procedureCalls = new Counter({
    name: 'aperture_trpc_requests_total',
    help: 'tRPC procedure calls by outcome code.',
    labelNames: ['procedure', 'type', 'code'],
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'aperture_http_request_duration_seconds',
    help: 'Duration of HTTP requests by route.',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5],
    registers: [registry],
  });

  return {
    registry,
    start() {
      const startedAt = process.hrtime.bigint();
      return (labels) => {
        const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
        procedureDuration.observe({ ...labels }, seconds);
        procedureCalls.inc({ ...labels });
      };
    },
    recordHttp(labels, seconds) {
      httpDuration.observe({ method: labels.method, route: labels.route, status: String(labels.status) }, seconds);
    },
  };
}
