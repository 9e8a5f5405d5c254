import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEphemeralServer, type EphemeralServer } from '@aperture/server';
import { createClient, NotFoundError, ValidationError } from '../src/index.js';
import { failure } from './support/failure.js';
import { member } from './support/social.js';

let server: EphemeralServer;
beforeAll(async () => {
  server = await startEphemeralServer();
});
afterAll(async () => {
  await server?.stop();
});

describe('client.graph and client.users against the real server', () => {
  it('follows a public account at once, with counts and relationship on the profile', async () => {
    const ada = await member(server.url, 'ada');
    const bob = await member(server.url, 'bob');
    expect(await bob.client.graph.follow({ username: ada.username })).toEqual({ state: 'active' });
    // By id too, and again: idempotent.
    expect(await bob.client.graph.follow(ada.id)).toEqual({ state: 'active' });

    const profile = await bob.client.users.profile({ username: ada.username });
    expect(profile.user.id).toBe(ada.id);
    expect(profile.counts).toEqual({ followers: 1, following: 0, posts: 0 });
    expect(profile.relationship).toMatchObject({ following: 'active', followedBy: 'none', blocking: false });
    expect((await ada.client.graph.relationship({ userId: bob.id })).followedBy).toBe('active');
    expect((await ada.client.graph.followers(ada.id)).items.map((u) => u.username)).toEqual([bob.username]);
    expect((await bob.client.graph.following({ username: bob.username })).items.map((u) => u.id)).toEqual([ada.id]);

    await bob.client.graph.unfollow({ username: ada.username });
    expect((await ada.client.users.profile(ada.id)).counts.followers).toBe(0);
    expect(await failure(() => ada.client.graph.follow(ada.id))).toBeInstanceOf(ValidationError);
  });

  it('turns follows of a private account into requests, listed, approved and rejected', async () => {
    const ada = await member(server.url, 'private');
    const bob = await member(server.url, 'asker');
    const cy = await member(server.url, 'asker');
    const me = await ada.client.accounts.update({ isPrivate: true });
    expect(me.isPrivate).toBe(true);

    expect(await bob.client.graph.follow({ username: ada.username })).toEqual({ state: 'pending' });
    expect(await cy.client.graph.follow({ username: ada.username })).toEqual({ state: 'pending' });
    expect((await bob.client.graph.relationship({ username: ada.username })).following).toBe('pending');

    const requests = await ada.client.graph.requests.list().toArray();
    expect(requests.map((r) => r.user.username)).toEqual([cy.username, bob.username]);

    await ada.client.graph.requests.approve({ username: bob.username });
    await ada.client.graph.requests.reject(cy.id);
    expect((await bob.client.graph.relationship({ username: ada.username })).following).toBe('active');
    expect((await cy.client.graph.relationship({ username: ada.username })).following).toBe('none');
    expect(await ada.client.graph.requests.list().toArray()).toEqual([]);
    expect((await ada.client.users.profile(ada.id)).counts.followers).toBe(1);
    // The private account's lists are for its followers only.
    expect((await bob.client.graph.followers(ada.id).toArray()).map((u) => u.id)).toEqual([bob.id]);
    expect(await failure(() => cy.client.graph.followers(ada.id).toArray())).toBeInstanceOf(NotFoundError);
  });

  it('walks 25 followers in pages of 10', async () => {
    const star = await member(server.url, 'star');
    const fans = [];
    for (let i = 0; i < 25; i++) {
      const fan = await member(server.url, 'fan');
      await fan.client.graph.follow(star.id);
      fans.push(fan.username);
    }
    const first = await star.client.graph.followers(star.id, { limit: 10 });
    expect(first.items).toHaveLength(10);
    const all: string[] = [];
    for await (const user of star.client.graph.followers({ username: star.username }, { limit: 10 })) {
      all.push(user.username);
    }
    expect(all).toEqual([...fans].reverse());
  });

  it('blocks (hiding each from the other and dropping follows), unblocks, mutes and unmutes', async () => {
    const ada = await member(server.url, 'blocker');
    const bob = await member(server.url, 'blocked');
    await bob.client.graph.follow(ada.id);
    await ada.client.graph.follow(bob.id);

    await ada.client.graph.block({ username: bob.username });
    expect(await failure(() => bob.client.users.profile(ada.id))).toBeInstanceOf(NotFoundError);
    expect(await failure(() => ada.client.users.profile(bob.id))).toBeInstanceOf(NotFoundError);
    expect((await ada.client.graph.relationship(bob.id)).blocking).toBe(true);
    expect(await failure(() => bob.client.graph.follow(ada.id))).toBeInstanceOf(NotFoundError);

    await ada.client.graph.unblock({ username: bob.username });
    const after = await ada.client.users.profile(bob.id);
    expect(after.relationship).toMatchObject({ following: 'none', followedBy: 'none', blocking: false });
    expect(after.counts.followers).toBe(0);

    await ada.client.graph.mute(bob.id);
    expect((await ada.client.graph.relationship(bob.id)).muting).toBe(true);
    await ada.client.graph.unmute({ username: bob.username });
    expect((await ada.client.graph.relationship(bob.id)).muting).toBe(false);
  });

  it('answers a signed-out profile with no relationship, and an unknown user as not found', async () => {
    const ada = await member(server.url, 'public');
    const anonymous = createClient({ url: server.url });
    const profile = await anonymous.users.profile({ username: ada.username });
    expect(profile.relationship).toBeNull();
    expect(await failure(() => anonymous.users.profile({ username: 'nobody_here_at_all' }))).toBeInstanceOf(
      NotFoundError,
    );
  });
});
