import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEphemeralServer, type EphemeralServer } from '@aperture/server';
import type { LiveNotification } from '../src/index.js';
import { jpeg } from './support/media.js';
import { member } from './support/social.js';

let server: EphemeralServer;
beforeAll(async () => {
  server = await startEphemeralServer();
});
afterAll(async () => {
  await server?.stop();
});

const iterate = <T>(iterable: AsyncIterable<T>): AsyncIterator<T> => iterable[Symbol.asyncIterator]();

/** The next `count` notifications of a live stream. */
async function take(stream: AsyncIterator<LiveNotification>, count: number): Promise<LiveNotification[]> {
  const taken: LiveNotification[] = [];
  while (taken.length < count) {
    const next = await stream.next();
    if (next.done) throw new Error('the stream ended');
    taken.push(next.value);
  }
  return taken;
}

describe('client.notifications against the real server', () => {
  it('lists, counts and marks notifications read', async () => {
    const ana = await member(server.url, 'ana');
    const bob = await member(server.url, 'bob');
    const post = await ana.client.posts.publish(await jpeg(500, { width: 120, height: 90 }), { caption: 'dock' });
    await bob.client.graph.follow(ana.id);
    await bob.client.likes.like(post.id);
    await server.server.background.dispatcher.drain();

    const all = await ana.client.notifications.list().toArray();
    expect(all.map((n) => n.kind).sort()).toEqual(['follow', 'like']);
    expect(all.find((n) => n.kind === 'like')).toMatchObject({ actor: { id: bob.id }, post: { id: post.id } });
    expect(await ana.client.notifications.unreadCount()).toEqual({ count: 2 });
    await ana.client.notifications.markRead({ ids: [all[0]!.id] });
    expect(await ana.client.notifications.unreadCount()).toEqual({ count: 1 });
    await ana.client.notifications.markRead({ all: true });
    expect(await ana.client.notifications.unreadCount()).toEqual({ count: 0 });
  });

  it('streams a like as it happens over SSE, then resumes after the last event id', async () => {
    const ana = await member(server.url, 'streamer');
    const bob = await member(server.url, 'liker');
    const cat = await member(server.url, 'follower');
    const post = await ana.client.posts.publish(await jpeg(501, { width: 120, height: 90 }), { caption: 'pier' });

    const first = new AbortController();
    // From the very start ('0'): whether the like is written before or after the stream opens,
    // it arrives exactly once.
    const stream = iterate(ana.client.notifications.subscribe({ signal: first.signal, lastEventId: '0' }));
    const pending = take(stream, 1);
    await bob.client.likes.like(post.id);
    const [like] = await pending;
    expect(like).toMatchObject({ kind: 'like', actor: { id: bob.id }, post: { id: post.id }, read: false });
    first.abort();
    expect(await stream.next()).toEqual({ value: undefined, done: true });

    // Missed while disconnected: delivered first on resume, in order.
    await cat.client.graph.follow(ana.id);
    await cat.client.comments.create({ postId: post.id, body: 'lovely' });
    await server.server.background.dispatcher.drain();
    const second = new AbortController();
    const resumed = iterate(ana.client.notifications.subscribe({ signal: second.signal, lastEventId: like!.eventId }));
    const missed = await take(resumed, 2);
    expect(missed.map((n) => [n.kind, n.actor.id])).toEqual([
      ['follow', cat.id],
      ['comment', cat.id],
    ]);
    // And live again after the replay.
    const next = take(resumed, 1);
    await bob.client.comments.create({ postId: post.id, body: 'again' });
    expect((await next)[0]).toMatchObject({ kind: 'comment', actor: { id: bob.id } });
    second.abort();
  });

  it('refuses a stream without a token', async () => {
    const anonymous = (await member(server.url, 'anon')).client;
    await anonymous.auth.logout();
    const stream = iterate(anonymous.notifications.subscribe());
    await expect(stream.next()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
