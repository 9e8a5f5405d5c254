// CPU time of the Postgres backends serving one side of a benchmark. On Postgres much of a request's
// work runs in the database's backend processes rather than in the Node thread, so a cost per request
// that counted only the thread would flatter whichever side pushes more work into SQL. The backends
// are found in pg_stat_activity (by database and application_name: Aperture's pool names itself
// `aperture`, each baseline its own), and their user + system time read from /proc/<pid>/stat, so
// this needs the database on the same machine and in the same pid namespace; where /proc has no such
// process the reading says so (null) instead of counting zero.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import pg from 'pg';

function clockTicksPerSecond() {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** A process's user + system CPU time in milliseconds, or undefined once it has exited. */
export function processCpuMs(pid, ticks = clockTicksPerSecond()) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), from field 3 on: utime is field 14.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks;
  } catch {
    return undefined;
  }
}

/**
 * A watcher over the server of `url`: `read(database, applicationName)` gives the CPU milliseconds
 * of each matching backend (a Map pid → ms), or null where /proc cannot see them.
 */
export function backendCpuWatcher(url) {
  const admin = new URL(url);
  admin.pathname = '/postgres'; // its own backend is then never one of the bench database's
  const pool = new pg.Pool({ connectionString: admin.toString(), max: 1, application_name: 'aperture-bench-monitor' });
  pool.on('error', () => {});
  const ticks = clockTicksPerSecond();
  return {
    async read(database, applicationName) {
      const { rows } = await pool.query(
        'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = $2',
        [database, applicationName],
      );
      const cpu = new Map();
      for (const { pid } of rows) {
        const ms = processCpuMs(pid, ticks);
        if (ms !== undefined) cpu.set(pid, ms);
      }
      return rows.length > 0 && cpu.size === 0 ? null : cpu;
    },
    close: () => pool.end(),
  };
}

/**
 * CPU milliseconds the backends spent between two readings: a backend that started in between
 * counts whole. One that ended in between is lost (its time since `before` is gone with it), so
 * the pools should keep their connections through a round, which they do while they are busy.
 */
export function backendCpuBetween(before, after) {
  if (before === null || after === null) return null;
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}
