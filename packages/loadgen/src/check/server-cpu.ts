/** Where the server's Prometheus metrics are read, and the token they need (if any). */
export interface MetricsSource {
  /** The full URL of the metrics, e.g. `http://127.0.0.1:4000/metrics` or a metrics listener's. */
  url: string;
  /** Sent as `Authorization: Bearer <token>` (the server's APERTURE_METRICS_TOKEN). */
  token?: string | undefined;
}

/** The metrics of `target` unless told otherwise: `<target>/metrics`, with the token if one was given. */
export function metricsSource(target: string, options: { url?: string | undefined; token?: string | undefined } = {}) {
  return { url: options.url ?? `${target}/metrics`, token: options.token } satisfies MetricsSource;
}

/**
 * The server's process CPU from its Prometheus endpoint (`process_cpu_seconds_total`), or null
 * when it is not readable there (not served, another port, a token needed or refused).
 */
export async function readServerCpuSeconds(source: MetricsSource): Promise<number | null> {
  try {
    const response = await fetch(source.url, {
      signal: AbortSignal.timeout(5_000),
      ...(source.token === undefined ? {} : { headers: { authorization: `Bearer ${source.token}` } }),
    });
    if (!response.ok) return null;
    return parseCpuSeconds(await response.text());
  } catch {
    return null;
  }
}

/** Sums `process_cpu_seconds_total` samples (one per process behind the URL, labels ignored). */
export function parseCpuSeconds(text: string): number | null {
  let total: number | null = null;
  for (const line of text.split('\n')) {
    const match = /^process_cpu_seconds_total(?:\{[^}]*\})?\s+([0-9.eE+-]+)/.exec(line);
    if (match) total = (total ?? 0) + Number(match[1]);
  }
  return total;
}
