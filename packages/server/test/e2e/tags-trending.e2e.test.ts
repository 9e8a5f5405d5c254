import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { photo } from '../fixtures/images.js';
import { DIALECTS } from '../support/databases.js';
import { insertReadyMedia, uploadReady } from '../support/media.js';
import { callTrpc, manualClock, startTestServer, type TestServer } from '../support/server.js';
import { settleEvents } from '../support/tags.js';
import { signUp, type SignedUp } from '../support/users.js';

interface TrendingTag {
  name: string;
  score: number;
  authors: number;
  expected: number;
}

const HOUR = 3_600_000;

describe.each(DIALECTS)('trending hashtags on $name', (dialect) => {
  // Starts three days back (the baseline) so the steady tag has a history to be measured against.
  const clock = manualClock(new Date(Date.now() - 72 * HOUR));
  let t: TestServer;
  const authors: (SignedUp & { mediaId: string })[] = [];

  beforeAll(async () => {
    t = await startTestServer({ dialect, clock });
    for (let i = 0; i < 7; i++) {
      const user = await signUp(t.url, `author${i}`);
      const mediaId = await uploadReady(t.url, user.token, await photo({ width: 320 + i, height: 240 }));
      authors.push({ ...user, mediaId });
    }
    const privy = authors[6]!;
    await callTrpc(t.url, 'accounts.update', { token: privy.token, input: { isPrivate: true } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  const postBy = async (count: number, caption: string, visibility: 'public' | 'followers' = 'public') => {
    for (const author of authors.slice(0, count)) {
      const res = await callTrpc(t.url, 'posts.create', {
        token: author.token,
        input: { mediaIds: [author.mediaId], caption, visibility },
      });
      expect(res.status).toBe(200);
    }
  };
  const trending = async () => {
    await settleEvents(t);
    const res = await callTrpc<TrendingTag[]>(t.url, 'tags.trending', { type: 'query', input: { limit: 10 } });
    expect(res.status).toBe(200);
    return res.body.result!.data;
  };

  it('picks a tag many accounts started using over a steady one and over non-public uses', async () => {
    // #steady: the same six authors at this time of day, every day.
    for (let day = 0; day < 3; day++) {
      await postBy(6, 'every day #steady');
      clock.advance(24 * HOUR);
    }
    await postBy(6, 'every day #steady');

    await postBy(5, 'look #Spike');
    await postBy(6, 'between us #secret', 'followers');
    await postBy(4, 'not enough people #lonely');
    // Four public accounts and one private one: the private account's posts do not count.
    await postBy(4, 'almost #privy');
    const privy = authors[6]!;
    await callTrpc(t.url, 'posts.create', {
      token: privy.token,
      input: { mediaIds: [privy.mediaId], caption: 'me too #privy' },
    });

    const tags = await trending();
    expect(tags.map((tag) => tag.name)).toEqual(['spike']);
    // Five fresh authors against an expectation of one: (5 − 1)² / 1.
    expect(tags[0]).toMatchObject({ authors: 5, expected: 1 });
    expect(tags[0]!.score).toBeCloseTo(16, 5);
  });

  it('decays with a half-life and ends after the window', async () => {
    clock.advance(2 * HOUR);
    await postBy(5, 'now #fresh');
    const tags = await trending();
    expect(
      tags.map((tag) => tag.name),
      JSON.stringify(tags),
    ).toEqual(['fresh', 'spike']);
    // One half-life later five authors weigh 2.5: (2.5 − 1)² / 1.
    expect(tags[1]!.score).toBeCloseTo(2.25, 5);
    expect(tags[1]!.score).toBeLessThan(tags[0]!.score);

    clock.advance(5 * HOUR);
    expect((await trending()).map((tag) => tag.name)).not.toContain('spike');
  });

  it('stops counting a post once it is made followers-only', async () => {
    clock.advance(24 * HOUR);
    await postBy(5, 'again #turned');
    expect((await trending()).map((tag) => tag.name)).toContain('turned');
    const post = await t.server.db.kysely
      .selectFrom('posts')
      .select('id')
      .where('caption', '=', 'again #turned')
      .where('author_id', '=', authors[0]!.id)
      .executeTakeFirstOrThrow();
    await callTrpc(t.url, 'posts.update', {
      token: authors[0]!.token,
      input: { id: post.id, visibility: 'followers' },
    });
    expect((await trending()).map((tag) => tag.name)).not.toContain('turned');
  });

  it('does not count in the baseline the uses of accounts that went private since', async () => {
    const newcomer = async (name: string) => {
      const user = await signUp(t.url, name);
      return { ...user, mediaId: await insertReadyMedia(t.server.db.kysely, user.id) };
    };
    const regulars = [await newcomer('regular0'), await newcomer('regular1')];
    const crowd: Awaited<ReturnType<typeof newcomer>>[] = [];
    for (let i = 0; i < 5; i++) crowd.push(await newcomer(`crowd${i}`));
    const postAs = async (who: (typeof crowd)[number], caption: string) => {
      const res = await callTrpc(t.url, 'posts.create', {
        token: who.token,
        input: { mediaIds: [who.mediaId], caption },
      });
      expect(res.status).toBe(200);
    };
    // Two regulars used #ebb at this time of day on each of the three baseline days…
    clock.advance(24 * HOUR);
    for (let day = 0; day < 3; day++) {
      for (const regular of regulars) await postAs(regular, 'daily #ebb');
      clock.advance(24 * HOUR);
    }
    // …then made their accounts private: those posts are no longer anyone's to count.
    for (const regular of regulars) {
      await callTrpc(t.url, 'accounts.update', { token: regular.token, input: { isPrivate: true } });
    }
    for (const member of crowd) await postAs(member, 'all at once #ebb');
    const ebb = (await trending()).find((tag) => tag.name === 'ebb');
    // Counted, the regulars would make two expected authors: (5 − 2)² / 2.
    expect(ebb).toMatchObject({ authors: 5, expected: 1 });
    expect(ebb!.score).toBeCloseTo(16, 5);
  });
});
