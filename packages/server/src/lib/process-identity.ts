import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/** Who a process is, as written next to a lease so another process can judge whether it still runs. */
export interface ProcessIdentity {
  host: string;
  /**
   * The host name plus, on Linux, the pid namespace and the boot id. Two processes whose
   * `machine` is equal see the same pids, so one can ask the kernel whether the other still runs;
   * containers that share a host name but not a pid namespace differ here and never judge each other.
   */
  machine: string;
  pid: number;
}

function readOrEmpty(read: () => string): string {
  try {
    return read().trim();
  } catch {
    return '';
  }
}

let cached: ProcessIdentity | undefined;

export function processIdentity(): ProcessIdentity {
  if (cached?.pid === process.pid) return cached;
  const host = hostname();
  const pidNamespace = readOrEmpty(() => readlinkSync('/proc/self/ns/pid'));
  const bootId = readOrEmpty(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8'));
  cached = { host, machine: [host, pidNamespace, bootId].filter((part) => part !== '').join(' '), pid: process.pid };
  return cached;
}

/**
 * True only when `holder` certainly no longer runs: it ran where this process runs (same
 * `machine`) and the kernel knows no process with its pid. Anything uncertain — another machine,
 * a pid that exists (possibly reused), a permission error — counts as alive.
 */
export function certainlyDead(holder: { machine: string | null; pid: number | null }): boolean {
  if (holder.machine === null || holder.pid === null) return false;
  if (holder.machine !== processIdentity().machine) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
