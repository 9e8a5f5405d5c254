/** The labels of one procedure call in the metrics: its full path, its type and its outcome. */
export interface ProcedureLabels {
  procedure: string;
  type: string;
  /** Aperture's error code (see docs/api.md), or `OK`. */
  code: string;
}

/**
 * What the procedures' base middleware needs from metrics: a timer per call, stopped with the
 * call's labels. The API layer states the need; `http/metrics.ts` meets it with Prometheus.
 */
export interface ProcedureMetrics {
  start(): (labels: ProcedureLabels) => void;
}
