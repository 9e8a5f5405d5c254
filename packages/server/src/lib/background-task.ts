import type { Logger } from './logger.js';

/**
 * Work a server process runs beside its requests: the outbox dispatcher, the media processor, the
 * sweeps, the write-behind buffers. The server starts, flushes and stops a list of these in order
 * instead of naming each one.
 */
export interface BackgroundTask {
  /** What the task is, for logs and tests. */
  readonly name: string;
  /**
   * `every-role`: a buffer requests fill (view counts, session activity), so every process that
   * serves requests runs it. `worker-role`: background work, started only in roles all|worker
   * (APERTURE_ROLE=api runs none of it). Every task is flushed and stopped in every role: stopping
   * one that never started costs nothing, and a flush writes what this process buffered.
   */
  readonly runsIn: 'every-role' | 'worker-role';
  /** Begin: loops, timers. Returns at once; the work runs in the background. */
  start(): void;
  /** Finish the work queued so far in this process (`settle()`), then resolve. */
  flush?(): Promise<void>;
  /** Stop, write what is pending; resolves once the work in flight has finished. */
  stop(): Promise<void>;
}

/**
 * A task that runs `run` at start and then every `intervalMs` (the timer never keeps the process
 * alive). A run still going when the next is due is not overlapped; `stop` waits for it.
 */
export function intervalTask(options: {
  name: string;
  intervalMs: number;
  run: () => Promise<unknown>;
  log: Logger;
}): BackgroundTask {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const tick = (): void => {
    running ??= options
      .run()
      .then(
        () => undefined,
        (error: unknown) => options.log.error({ err: error }, `${options.name} failed`),
      )
      .finally(() => {
        running = undefined;
      });
  };
  return {
    name: options.name,
    runsIn: 'worker-role',
    start() {
      if (timer) return;
      tick();
      timer = setInterval(tick, options.intervalMs).unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
