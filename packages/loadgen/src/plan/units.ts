/** Byte units and number formatting for plans. Decimal units are SI (1 GB = 10^9 B). */

const DECIMAL = [
  ['PB', 1e15],
  ['TB', 1e12],
  ['GB', 1e9],
  ['MB', 1e6],
  ['KB', 1e3],
] as const;

const BINARY = [
  ['PiB', 2 ** 50],
  ['TiB', 2 ** 40],
  ['GiB', 2 ** 30],
  ['MiB', 2 ** 20],
  ['KiB', 2 ** 10],
] as const;

const FACTORS: Record<string, number> = Object.fromEntries([...DECIMAL, ...BINARY, ['B', 1]]);

export type ByteSystem = 'binary' | 'decimal';

/** `bytes` in the largest unit of `system` that keeps the value at least 1. */
export function scaleBytes(bytes: number, system: ByteSystem = 'decimal'): { value: number; unit: string } {
  for (const [unit, factor] of system === 'binary' ? BINARY : DECIMAL) {
    if (bytes >= factor) return { value: bytes / factor, unit };
  }
  return { value: bytes, unit: 'B' };
}

/**
 * A value in `unit` back in base units: bytes for byte units (with an optional `/s`), the value
 * itself for anything else (counts, rates, ratios). Lets tests compare figures whatever their unit.
 */
export function toBase(value: number, unit: string): number {
  const factor = FACTORS[unit.replace(/\/s$/, '')];
  return factor === undefined ? value : value * factor;
}

/** 115740.74 → "115,741"; 23.148 → "23.1"; 0.5292 → "0.529": about three significant figures, more for big values. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return n.toLocaleString('en-US', { maximumFractionDigits: digits });
}

/** 2e6 → "2M", 1.5e10 → "15B", 68 → "68": for derivations, where the notes' own shorthand reads best. */
export function compact(n: number): string {
  const abs = Math.abs(n);
  for (const [suffix, factor] of [
    ['T', 1e12],
    ['B', 1e9],
    ['M', 1e6],
  ] as const) {
    if (abs >= factor) return `${formatNumber(n / factor)}${suffix}`;
  }
  return formatNumber(n);
}

/** A byte count as "400 GB" (or "31.7 GiB"). */
export function formatBytes(bytes: number, system: ByteSystem = 'decimal'): string {
  const { value, unit } = scaleBytes(bytes, system);
  return `${formatNumber(value)} ${unit}`;
}
