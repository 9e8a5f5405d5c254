import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEphemeralServer, type EphemeralServer } from '@aperture/server';
import { NotFoundError } from '../src/index.js';
import { failure } from './support/failure.js';
import { jpeg } from './support/media.js';
import { member } from './support/social.js';

let server: EphemeralServer;
beforeAll(async () => {
  server = await startEphemeralServer();
});
afterAll(async () => {
  await server?.stop();
});

/** Waits until the server's background work (events, tag counters) is done. */
const settle = (): Promise<void> => server.server.settle();

describe('client.tags and client.search against the real server', () => {
  it('reads a hashtag, and search pages through posts with the paginator', async () => {
    const ada = await member(server.url, 'seeker');
    for (let i = 0; i < 3; i++) {
      await ada.client.posts.publish([await jpeg(300 + i)], { caption: `lighthouse number ${i} #Lighthouse` });
    }
    await ada.client.posts.publish([await jpeg(310)], { caption: 'lighthouse keepers only', visibility: 'followers' });
    await settle();

    expect(await ada.client.tags.get('#LIGHTHOUSE')).toMatchObject({ name: 'lighthouse', postCount: 3 });
    const missing = await failure(() => ada.client.tags.get('nosuchtag'));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(await ada.client.tags.trending()).toEqual([]);

    const first = await ada.client.search.all(ada.username.slice(0, 8), { limit: 1 });
    expect(first.users.map((u) => u.username)).toContain(ada.username);

    const bob = await member(server.url, 'outsider');
    const captions = (await bob.client.search.posts('lighthouse', { limit: 2 }).toArray()).map((p) => p.caption);
    expect(captions.sort()).toEqual([
      'lighthouse number 0 #Lighthouse',
      'lighthouse number 1 #Lighthouse',
      'lighthouse number 2 #Lighthouse',
    ]);
    const tags = (await bob.client.search.all('#light')).tags;
    expect(tags).toEqual([{ name: 'lighthouse', postCount: 3 }]);
  });
});
