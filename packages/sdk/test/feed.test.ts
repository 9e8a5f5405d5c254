import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEphemeralServer, type EphemeralServer } from '@aperture/server';
import { jpeg } from './support/media.js';
import { member } from './support/social.js';

let server: EphemeralServer;
beforeAll(async () => {
  server = await startEphemeralServer();
});
afterAll(async () => {
  await server?.stop();
});

describe('client.feed against the real server', () => {
  it('walks the home feed across pages with for await, latest and ranked, and a hashtag feed', async () => {
    const writer = await member(server.url, 'writer');
    const reader = await member(server.url, 'reader');
    await reader.client.graph.follow(writer.id);
    const published: string[] = [];
    for (let i = 0; i < 5; i++) {
      const post = await writer.client.posts.publish(await jpeg(300 + i, { width: 120, height: 90 }), {
        caption: `Pier ${i} #pier`,
      });
      published.push(post.id);
    }
    await server.server.background.dispatcher.drain();

    const first = await reader.client.feed.home({ limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const walked: string[] = [];
    for await (const post of reader.client.feed.home({ limit: 2 })) walked.push(post.id);
    expect(walked).toEqual([...published].reverse());

    const ranked = await reader.client.feed.home({ order: 'ranked', limit: 50 }).toArray();
    expect([...ranked.map((p) => p.id)].sort()).toEqual([...published].sort());

    const tagged = await reader.client.feed.hashtag('#PIER', { limit: 3 }).toArray();
    expect(tagged.map((p) => p.id)).toEqual([...published].reverse());
  });

  it('counts views of a post and shows the author its insights', async () => {
    const author = await member(server.url, 'viewed');
    const fan = await member(server.url, 'fan');
    const post = await author.client.posts.publish(await jpeg(404, { width: 100, height: 80 }), { caption: 'look' });
    expect(await fan.client.posts.view(post.id)).toEqual({ counted: true });
    // A repeat view within minutes is not counted again.
    expect(await fan.client.posts.view(post.id)).toEqual({ counted: false });
    await fan.client.likes.like(post.id);
    expect(await author.client.posts.insights(post.id)).toEqual({ views: 1, likes: 1, comments: 0 });
    await expect(fan.client.posts.insights(post.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
