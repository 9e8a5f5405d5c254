import type { TestServer } from './server.js';

/**
 * Deliver every pending event and apply the tag counters: what a few seconds of a worker do.
 * `drain` waits for the background loop's batch too; the pending-count check is a second guard.
 */
export async function settleEvents(t: TestServer): Promise<void> {
  for (let i = 0; i < 500; i++) {
    await t.server.services.dispatcher.drain();
    const pending = await t.server.db.kysely
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow();
    if (Number(pending.n) === 0) {
      await t.server.services.tagCounter.flush();
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('events still pending after 5 s');
}
