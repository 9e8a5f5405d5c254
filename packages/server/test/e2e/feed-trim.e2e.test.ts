import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import { insertReadyMedia } from '../support/media.js';
import { readHomeFeed, timelineRows } from '../support/feed.js';
import { callTrpc, startTestServer, type TestServer } from '../support/server.js';
import { signUp, type SignedUp } from '../support/users.js';

// Fan-out trims a timeline on about one push in APERTURE_TIMELINE_TRIM_EVERY: the timeline may run
// over the cap for a while, but it always holds the newest posts without a gap, and the feed
// (which pulls below the timeline's oldest row) is complete either way.
describe.each(DIALECTS)('timeline trimming on $name', (dialect) => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({ dialect, env: { APERTURE_TIMELINE_CAP: '3', APERTURE_TIMELINE_TRIM_EVERY: '4' } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('keeps the newest posts, trims now and then, and pages through everything', async () => {
    const author = await signUp(t.url, 'trimauthor');
    const reader: SignedUp = await signUp(t.url, 'trimreader');
    await t.server.services.feed.rebuild(reader.id);
    await callTrpc(t.url, 'graph.follow', { token: reader.token, input: { userId: author.id } });
    const posts: string[] = [];
    for (let i = 0; i < 60; i++) {
      const mediaId = await insertReadyMedia(t.server.db.kysely, author.id);
      const made = await callTrpc<{ id: string }>(t.url, 'posts.create', {
        token: author.token,
        input: { mediaIds: [mediaId] },
      });
      posts.push(made.body.result!.data.id);
      await t.server.background.dispatcher.drain();
    }
    const newestFirst = [...posts].reverse();
    const rows = await timelineRows(t.server.db.kysely, reader.id);
    // A newest-first prefix of the posts, at least the cap long; trimmed at least once in 60
    // pushes (the odds of no trim at one in four are (3/4)^57, about 1 in 13 million).
    expect(rows).toEqual(newestFirst.slice(0, rows.length));
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows.length).toBeLessThan(60);

    const seen = await readHomeFeed(t.url, reader.token, { limit: 7 });
    expect(seen).toEqual(newestFirst);
  });
});
