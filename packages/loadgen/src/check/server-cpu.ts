/**
 * The server's process CPU from its Prometheus endpoint (`GET /metrics`,
 * `process_cpu_seconds_total`), or null when the target does not expose it.
 */
export async function readServerCpuSeconds(target: string): Promise<number | null> {
  try {
    const response = await fetch(`${target}/metrics`, { signal: AbortSignal.timeout(5_000) });
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
