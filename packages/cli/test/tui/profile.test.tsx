import { describe, expect, it } from 'vitest';
import { eventually, tuiWorld } from './support.js';

const world = tuiWorld();

describe('browse: profiles, follows and requests', () => {
  it("u opens the author's profile with counts and grid; f follows and unfollows", async () => {
    const ada = await world.user('ada');
    const bob = await world.user('bob');
    await ada.client.graph.follow({ username: bob.username });
    await world.post(bob, 'On the grid', 1);

    const app = world.mount(ada);
    await app.until('On the grid');
    await app.press('u');
    let frame = await app.until('Following (f unfollows)');
    expect(frame).toContain(`@${bob.username}`);
    expect(frame).toContain('1 post · 1 follower · 0 following');
    expect(frame).toMatch(/›♡0 c0/);

    await app.press('f');
    frame = await app.until('Not following (f to follow)');
    expect(frame).toContain('1 post · 0 followers');
    expect((await ada.client.graph.relationship({ username: bob.username })).following).toBe('none');
    await app.press('f');
    await app.until('Following (f unfollows)');
    expect((await ada.client.graph.relationship({ username: bob.username })).following).toBe('active');
    // enter on the grid opens the post
    await app.press('enter');
    await app.until('No comments yet.');
  });

  it('a private account: f sends a request; its owner approves it on the requests screen', async () => {
    const ada = await world.user('asker');
    const quinn = await world.user('quinn', { isPrivate: true });
    await world.post(quinn, 'Followers only', 2);

    const asker = world.mount(ada, { route: { kind: 'profile', username: quinn.username } });
    await asker.until('This account is private: follow (f) to see their photos.');
    expect(asker.frame()).toContain('f to follow: sends a request');
    await asker.press('f');
    await asker.until('Requested (f withdraws the request)');

    const owner = world.mount(quinn);
    await owner.press('R');
    await owner.until(`@${ada.username} wants to follow you`);
    await owner.press('a');
    await owner.until('— approved');
    const rel = await eventually(
      () => ada.client.graph.relationship({ username: quinn.username }),
      (r) => r.following === 'active',
    );
    expect(rel.following).toBe('active');
  });
});
