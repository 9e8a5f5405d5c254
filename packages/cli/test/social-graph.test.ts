import { describe, expect, it } from 'vitest';
import type { FollowRequest, PostView, Profile } from '@aperture/sdk';
import { photo, socialWorld, type Person } from './support/social.js';

const world = socialWorld();
const someone = (prefix: string): Promise<Person> => world.someone(prefix);

type UserJson = Profile & { posts: PostView[] };

describe('aperture follow, privacy and requests', () => {
  it('follows a public account at once and unfollows it', async () => {
    const ada = await someone('open');
    const bob = await someone('follower');
    const followed = await bob.run(['follow', ada.username]);
    expect(followed.code, followed.stderr).toBe(0);
    expect(followed.stdout).toBe(`Following @${ada.username}.\n`);
    const seen = await bob.json<UserJson>(['user', ada.username]);
    expect(seen.counts.followers).toBe(1);
    expect(seen.relationship?.following).toBe('active');
    expect((await ada.run(['user', bob.username])).stdout).toContain('They follow you');

    expect(await bob.json(['unfollow', `@${ada.username}`])).toEqual({ username: ada.username, state: 'none' });
    expect((await bob.json<UserJson>(['user', ada.username])).counts.followers).toBe(0);
  });

  it('turns follows of a private account into requests that are listed, approved and rejected', async () => {
    const ada = await someone('closed');
    const bob = await someone('asker');
    const cy = await someone('asker');
    const post = await ada.json<PostView>(['post', await photo(ada, 'p.jpg', 71), '-c', 'Friends only']);

    const privacy = await ada.run(['privacy', 'private']);
    expect(privacy.code).toBe(0);
    expect(privacy.stdout).toMatch(/^Your account is private/);
    expect((await ada.run(['privacy', 'secret'])).code).toBe(2);

    expect(await bob.json(['follow', ada.username])).toEqual({ username: ada.username, state: 'pending' });
    const asked = await cy.run(['follow', ada.username]);
    expect(asked.stdout).toContain('they must approve your request');
    expect((await bob.json<UserJson>(['user', ada.username])).posts).toEqual([]);

    // Piped: one tab-separated line per request, newest first: username, display name, ISO date.
    const listed = await ada.run(['requests']);
    expect(listed.code).toBe(0);
    expect(
      listed.stdout
        .trim()
        .split('\n')
        .map((line) => line.split('\t')[0]),
    ).toEqual([cy.username, bob.username]);
    const requests = await ada.json<FollowRequest[]>(['requests']);
    expect(requests.map((r) => r.user.username)).toEqual([cy.username, bob.username]);

    const approved = await ada.run(['requests', 'approve', bob.username]);
    expect(approved.stdout).toBe(`@${bob.username} now follows you.\n`);
    expect(await ada.json(['requests', 'reject', cy.username])).toEqual({ username: cy.username, approved: false });
    expect(await ada.json<FollowRequest[]>(['requests'])).toEqual([]);
    const none = await ada.run(['requests']);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain('No pending follow requests.');

    const bobSees = await bob.json<UserJson>(['user', ada.username]);
    expect(bobSees.relationship?.following).toBe('active');
    expect(bobSees.posts.map((p) => p.id)).toEqual([post.id]);
    expect((await cy.json<UserJson>(['user', ada.username])).relationship?.following).toBe('none');
  });
});

describe('aperture block and mute', () => {
  it('blocks (each disappears for the other, follows end), unblocks, mutes and unmutes', async () => {
    const ada = await someone('blocker');
    const bob = await someone('pest');
    await bob.json(['follow', ada.username]);
    await ada.json(['follow', bob.username]);

    expect((await ada.run(['block', bob.username])).stdout).toBe(`Blocked @${bob.username}.\n`);
    const hidden = await bob.run(['user', ada.username]);
    expect(hidden.code).toBe(1);
    expect(hidden.stderr).toContain('(NOT_FOUND)');
    expect((await bob.run(['follow', ada.username])).code).toBe(1);

    expect(await ada.json(['unblock', bob.username])).toEqual({ username: bob.username, blocking: false });
    const after = await ada.json<UserJson>(['user', bob.username]);
    expect(after.relationship).toMatchObject({ following: 'none', followedBy: 'none', blocking: false });

    expect(await ada.json(['mute', bob.username])).toEqual({ username: bob.username, muting: true });
    expect((await ada.json<UserJson>(['user', bob.username])).relationship?.muting).toBe(true);
    expect((await ada.run(['unmute', bob.username])).stdout).toBe(`Unmuted @${bob.username}.\n`);
    expect((await ada.json<UserJson>(['user', bob.username])).relationship?.muting).toBe(false);
  });

  it('needs a sign-in (exit 4) and a name (exit 2)', async () => {
    const ada = await someone('nobody');
    expect((await ada.run(['follow'])).code).toBe(2);
    expect((await ada.run(['follow', ada.username])).code).toBe(1);
    await ada.run(['logout']);
    for (const args of [['follow', 'x'], ['block', 'x'], ['requests'], ['requests', 'approve', 'x']]) {
      expect((await ada.run(args)).code, args.join(' ')).toBe(4);
    }
  });
});
