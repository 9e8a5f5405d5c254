/**
 * Logs a promise rejection nobody handled instead of letting Node end the process, which is its
 * default: one request's failed I/O would otherwise take down every request in flight. This is a
 * last line of defence, not error handling: each such rejection is a bug, logged at error level so
 * that it is seen and fixed. Uncaught exceptions are left alone (the process's state is unknown
 * after one, so it should end and be restarted).
 *
 * The process that runs a server installs it (`aperture serve` does). `createServer` does not: a
 * server embedded in another application must not change that application's process-wide policy,
 * so embedders call this themselves or keep their own. Returns a function that removes the handler.
 */
export function logUnhandledRejections(log: { error(obj: object, msg: string): void }): () => void {
  const onRejection = (reason: unknown): void => {
    log.error({ err: reason }, 'unhandled promise rejection (a bug; the process keeps running)');
  };
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('unhandledRejection', onRejection);
  };
}
