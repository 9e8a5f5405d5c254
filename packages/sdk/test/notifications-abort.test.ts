import { describe, expect, it } from 'vitest';
import { startEphemeralServer } from '@aperture/server';
import { member } from './support/social.js';

// A subscription stopped while its connection is still being made must not leave that connection
// open: the server could then never stop (it waits for open streams), and a client would leak it.
describe('client.notifications.subscribe stopped early', () => {
  it('leaves no connection behind, whenever it is stopped', { timeout: 60_000 }, async () => {
    const server = await startEphemeralServer();
    const ana = await member(server.url, 'ana');
    for (const delayMs of [0, 1, 5, 20, 50, 200]) {
      // Stopped by its signal while a read waits…
      const stop = new AbortController();
      const stream = ana.client.notifications.subscribe({ signal: stop.signal })[Symbol.asyncIterator]();
      const next = stream.next();
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      stop.abort();
      expect(await next).toEqual({ value: undefined, done: true });
      // …and by return() with no read at all.
      const unread = ana.client.notifications.subscribe()[Symbol.asyncIterator]();
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      await unread.return?.();
    }
    const stopped = await Promise.race([
      server.stop().then(() => 'stopped'),
      new Promise((resolve) => setTimeout(() => resolve('still waiting for open streams'), 10_000)),
    ]);
    expect(stopped).toBe('stopped');
  });
});
