import type { TestServer } from './server.js';

/** Deliver every pending event and write the counters: what a few seconds of a worker do. */
export const settleEvents = (t: TestServer): Promise<void> => t.server.settle();
