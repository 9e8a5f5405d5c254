import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * Lowers the CPU priority of every thread of this process to `niceness` (never raises one that is
 * lower already), and returns how many threads it changed. On Linux a niceness belongs to a thread,
 * not to the process: setting it on the main thread alone would leave the libuv pool, where sharp
 * decodes and encodes, at full priority. Threads started afterwards inherit their creator's, so
 * libvips' workers and child processes follow. Elsewhere the process-wide call does it all.
 */
export function lowerProcessPriority(niceness: number): number {
  if (!Number.isInteger(niceness) || niceness < 0 || niceness > 19) {
    throw new RangeError(`Niceness must be an integer from 0 to 19, got ${niceness}`);
  }
  let threads: number[];
  try {
    threads = readdirSync('/proc/self/task').map(Number);
  } catch {
    threads = [0]; // no /proc: 0 is this process
  }
  let changed = 0;
  for (const thread of threads) {
    try {
      if (getPriority(thread) < niceness) {
        setPriority(thread, niceness);
        changed++;
      }
    } catch {
      // The thread ended between the listing and the call.
    }
  }
  return changed;
}
