import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEphemeralServer, type EphemeralServer } from '@aperture/server';
import {
  ConflictError,
  MediaRejectedError,
  NotFoundError,
  PermissionError,
  ValidationError,
  type FetchFunction,
  type PostView,
  type PublishProgress,
} from '../src/index.js';
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

describe('client.posts against the real server', () => {
  it('publishes files as one post, in the order given, with caption and visibility', async () => {
    const ada = await member(server.url, 'pub');
    const events: PublishProgress[] = [];
    const files = [await jpeg(101), await jpeg(102)];
    const post = await ada.client.posts.publish(files, {
      caption: 'Two of them',
      visibility: 'followers',
      onProgress: (p) => events.push(p),
    });
    expect(post.caption).toBe('Two of them');
    expect(post.visibility).toBe('followers');
    expect(post.author.username).toBe(ada.username);
    expect(post.media).toHaveLength(2);
    expect(new Set(events.map((e) => e.file))).toEqual(new Set([0, 1]));
    expect(events.every((e) => e.files === 2)).toBe(true);
    expect(events.filter((e) => e.phase === 'done')).toHaveLength(2);

    // The carousel keeps the files' order: re-uploading a file answers with its media id.
    const ids = [(await ada.client.media.upload(files[0]!)).id, (await ada.client.media.upload(files[1]!)).id];
    expect(post.media.map((m) => m.id)).toEqual(ids);

    const again = await ada.client.posts.get(post.id);
    expect(again.id).toBe(post.id);
    expect(again.media.map((m) => m.id)).toEqual(post.media.map((m) => m.id));
  });

  it('makes no post when one of the files is refused', async () => {
    const ada = await member(server.url, 'refused');
    const error = await failure(() => ada.client.posts.publish([Buffer.from('not an image'), Buffer.alloc(0)]));
    expect(error).toBeInstanceOf(MediaRejectedError);
    expect(error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(await ada.client.posts.byUser({ userId: ada.id }).toArray()).toEqual([]);
  });

  it('posts once when the answer to posts.create is lost and the SDK retries', async () => {
    let lost = 0;
    // The request reaches the real server, which makes the post; only its answer is dropped,
    // as when a connection breaks after the server committed.
    const losingFetch: FetchFunction = async (input, init) => {
      const response = await fetch(input, init);
      const url = input instanceof Request ? input.url : String(input);
      if (url.includes('posts.create') && lost === 0) {
        lost += 1;
        await response.arrayBuffer();
        throw new TypeError('fetch failed', {
          cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
        });
      }
      return response;
    };
    const ada = await member(server.url, 'lost', losingFetch);
    const post = await ada.client.posts.publish(await jpeg(103), { caption: 'Only once' });
    expect(lost).toBe(1);
    const grid = await ada.client.posts.byUser({ username: ada.username }).toArray();
    expect(grid.map((p) => p.id)).toEqual([post.id]);
    expect((await ada.client.users.profile({ username: ada.username })).counts.posts).toBe(1);
  });

  it('replays create with the same idempotency key, and refuses the key with other parameters', async () => {
    const ada = await member(server.url, 'idem');
    const media = await ada.client.media.upload(await jpeg(104));
    const input = { mediaIds: [media.id], caption: 'Once', idempotencyKey: `key-${ada.username}` };
    const first = await ada.client.posts.create(input);
    const second = await ada.client.posts.create(input);
    expect(second.id).toBe(first.id);
    const conflict = await failure(() => ada.client.posts.create({ ...input, caption: 'Other' }));
    expect(conflict).toBeInstanceOf(ConflictError);
    expect(conflict.code).toBe('CONFLICT');
    // Without a key of its own, each call is a new post.
    const third = await ada.client.posts.create({ mediaIds: [media.id], caption: 'Once' });
    expect(third.id).not.toBe(first.id);
  });

  it('walks a grid of 45 posts in pages of 20: await gives a page, for await every post', async () => {
    const ada = await member(server.url, 'grid');
    const media = await ada.client.media.upload(await jpeg(105));
    const made: string[] = [];
    for (let i = 0; i < 45; i++) {
      made.push((await ada.client.posts.create({ mediaIds: [media.id], caption: `post ${i}` })).id);
    }
    const newestFirst = [...made].reverse();

    const page = await ada.client.posts.byUser({ username: ada.username, limit: 20 });
    expect(page.items.map((p) => p.id)).toEqual(newestFirst.slice(0, 20));
    expect(page.nextCursor).toEqual(expect.any(String));

    const walked: PostView[] = [];
    for await (const post of ada.client.posts.byUser({ userId: ada.id, limit: 20 })) walked.push(post);
    expect(walked.map((p) => p.id)).toEqual(newestFirst);
    expect(walked[0]?.caption).toBe('post 44');

    const sizes: number[] = [];
    for await (const p of ada.client.posts.byUser({ username: ada.username, limit: 20 }).pages()) {
      sizes.push(p.items.length);
    }
    expect(sizes).toEqual([20, 20, 5]);

    // A cursor from the first page starts the walk after it.
    const rest = await ada.client.posts
      .byUser({ username: ada.username, limit: 20, cursor: page.nextCursor! })
      .toArray();
    expect(rest.map((p) => p.id)).toEqual(newestFirst.slice(20));
  });

  it('updates and deletes a post; others cannot, and a deleted post is not found', async () => {
    const ada = await member(server.url, 'edit');
    const eve = await member(server.url, 'eve');
    const post = await ada.client.posts.publish(await jpeg(106), { caption: 'Before' });

    const updated = await ada.client.posts.update(post.id, { caption: 'After', commentsEnabled: false });
    expect(updated.caption).toBe('After');
    expect(updated.commentsEnabled).toBe(false);
    expect(await failure(() => eve.client.posts.update(post.id, { caption: 'Mine' }))).toBeInstanceOf(PermissionError);
    expect(await failure(() => ada.client.posts.update(post.id, {}))).toBeInstanceOf(ValidationError);

    await ada.client.posts.delete(post.id);
    await ada.client.posts.delete(post.id);
    expect(await failure(() => eve.client.posts.get(post.id))).toBeInstanceOf(NotFoundError);
    expect(await ada.client.posts.byUser({ username: ada.username }).toArray()).toEqual([]);
  });

  it('hides a followers-only post from someone who does not follow, as not found', async () => {
    const ada = await member(server.url, 'priv');
    const eve = await member(server.url, 'stranger');
    const post = await ada.client.posts.publish(await jpeg(107), { visibility: 'followers' });
    const denied = await failure(() => eve.client.posts.get(post.id));
    expect(denied).toBeInstanceOf(NotFoundError);
    expect((await eve.client.posts.byUser({ username: ada.username })).items).toEqual([]);
    await eve.client.graph.follow({ username: ada.username });
    expect((await eve.client.posts.get(post.id)).id).toBe(post.id);
  });
});
