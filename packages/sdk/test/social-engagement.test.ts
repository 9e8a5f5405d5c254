import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEphemeralServer, type EphemeralServer } from '@aperture/server';
import { NotFoundError, PermissionError, ValidationError, type CommentView } from '../src/index.js';
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

let seed = 300;
async function postBy(client: Awaited<ReturnType<typeof member>>['client']) {
  seed += 1;
  return client.posts.publish(await jpeg(seed), { caption: `photo ${seed}` });
}

describe('client.likes and client.comments against the real server', () => {
  it('likes with a reaction, changes it, lists likers and unlikes', async () => {
    const ada = await member(server.url, 'author');
    const bob = await member(server.url, 'liker');
    const cy = await member(server.url, 'liker');
    const post = await postBy(ada.client);

    expect(await bob.client.likes.like(post.id)).toEqual({ liked: true, reaction: 'like', likeCount: 1 });
    expect(await cy.client.likes.like(post.id, 'fire')).toMatchObject({ reaction: 'fire', likeCount: 2 });
    expect(await bob.client.likes.like(post.id, 'love')).toMatchObject({ reaction: 'love', likeCount: 2 });

    const seen = await bob.client.posts.get(post.id);
    expect(seen).toMatchObject({ likeCount: 2, viewerHasLiked: true, viewerReaction: 'love' });
    expect((await ada.client.posts.get(post.id)).viewerHasLiked).toBe(false);

    const likers = await ada.client.likes.likers(post.id, { limit: 1 }).toArray();
    expect(likers.map((l) => [l.user.username, l.reaction])).toEqual([
      [cy.username, 'fire'],
      [bob.username, 'love'],
    ]);

    expect(await bob.client.likes.unlike(post.id)).toEqual({ liked: false, likeCount: 1 });
    expect(await bob.client.likes.unlike(post.id)).toEqual({ liked: false, likeCount: 1 });
    expect(await failure(() => bob.client.likes.like('999999999999999999'))).toBeInstanceOf(NotFoundError);
  });

  it('threads comments one level deep, with reply counts, and deletes them', async () => {
    const ada = await member(server.url, 'poster');
    const bob = await member(server.url, 'talker');
    const post = await postBy(ada.client);

    const top = await bob.client.comments.create({ postId: post.id, body: 'Lovely light!' });
    const reply = await ada.client.comments.create({ postId: post.id, body: 'Thank you!', parentId: top.id });
    // A reply to a reply joins the thread of the top-level comment.
    const nested = await bob.client.comments.create({ postId: post.id, body: 'Any time.', parentId: reply.id });
    expect(reply.parentId).toBe(top.id);
    expect(nested.parentId).toBe(top.id);

    const { items } = await ada.client.comments.list(post.id);
    expect(items.map((c) => [c.body, c.replyCount])).toEqual([['Lovely light!', 2]]);
    const replies = await bob.client.comments.replies(top.id).toArray();
    expect(replies.map((c) => c.body)).toEqual(['Thank you!', 'Any time.']);
    expect((await ada.client.posts.get(post.id)).commentCount).toBe(3);

    expect(await failure(() => ada.client.comments.create({ postId: post.id, body: '   ' }))).toBeInstanceOf(
      ValidationError,
    );
    // The post's author may delete anyone's comment; someone else may not delete the author's.
    expect(await failure(() => bob.client.comments.delete(reply.id))).toBeInstanceOf(PermissionError);
    await ada.client.comments.delete(nested.id);
    expect((await bob.client.comments.replies(top.id).toArray()).map((c) => c.id)).toEqual([reply.id]);
    await bob.client.comments.delete(top.id);
    expect(await ada.client.comments.list(post.id).toArray()).toEqual([]);
  });

  it('walks 30 comments in pages of 7, newest first', async () => {
    const ada = await member(server.url, 'busy');
    const post = await postBy(ada.client);
    const made: CommentView[] = [];
    for (let i = 0; i < 30; i++) made.push(await ada.client.comments.create({ postId: post.id, body: `c${i}` }));
    const walked: string[] = [];
    for await (const comment of ada.client.comments.list(post.id, { limit: 7 })) walked.push(comment.id);
    expect(walked).toEqual(made.map((c) => c.id).reverse());
  });
});
