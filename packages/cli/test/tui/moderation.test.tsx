import { describe, expect, it } from 'vitest';
import { eventually, tuiWorld, type TestUser } from './support.js';

const world = tuiWorld();

describe('browse: the moderation screen', () => {
  // The first account of an instance is its admin: made before anyone else in this file.
  let admin: TestUser;

  it('works the report queue: counts per reason, an action with its reason, reports resolved', async () => {
    admin = await world.user('admin');
    const bob = await world.user('spammer');
    const carol = await world.user('reporter');
    const dan = await world.user('reporter');
    const post = await world.post(bob, 'Cheap watches, link in bio', 31);
    await carol.client.reports.create({ target: { kind: 'post', id: post.id }, reason: 'spam' });
    await dan.client.reports.create({ target: { kind: 'post', id: post.id }, reason: 'spam' });
    await dan.client.reports.create({ target: { kind: 'user', id: bob.me.id }, reason: 'harassment' });

    const app = world.mount(admin);
    await app.until('Your feed is empty');
    await app.press('?');
    expect(await app.until('Keys (any key closes this help)')).toContain('moderation: reported content');
    await app.press(' ');
    await app.until('Your feed is empty');
    await app.press('M');
    const queue = await app.until(`post ${post.id} · @${bob.username} · 2 reports: spam 2`);
    expect(queue).toContain('Moderation');
    expect(queue).toContain(`user ${bob.me.id} · @${bob.username} · 1 report: harassment 1`);
    expect(queue).toContain('Cheap watches, link in bio');

    // The newest report first: the account. Move to the post and act on it.
    await app.until(`› user ${bob.me.id}`);
    await app.press('j', 'x');
    await app.until('h hide · s mark sensitive · u suspend');
    await app.press('h', 'enter');
    await app.until('Reason to hide');
    await app.press('Spam link farm', 'enter');
    await app.until(`Done: hide, post ${post.id} (2 report(s) resolved).`);
    const shown = await admin.client.moderation.show({ kind: 'post', id: post.id });
    expect(shown.state.hidden).toBe(true);
    expect(shown.log[0]).toMatchObject({ action: 'hide_post', reason: 'Spam link farm' });
    await app.until((f) => !f.includes(`post ${post.id} ·`) && f.includes(`› user ${bob.me.id}`));

    // An empty reason does nothing.
    await app.press('x', 'd', 'enter', 'enter');
    await app.until('A reason is needed: nothing done.');
    expect((await admin.client.moderation.queue()).items.map((i) => i.target.id)).toContain(bob.me.id);
    await app.press('x', 'd', 'enter', 'Not harassment', 'enter');
    await app.until('Nothing waits in the queue.');
  });

  it('lists held content and releases it, visible to others afterwards', async () => {
    await world.server.server.services.wordFilters.addAdminRule('cheap likes', 'hold');
    const bob = await world.user('holder');
    const carol = await world.user('reader');
    const post = await world.post(carol, 'Harbour at noon', 32);
    const comment = await bob.client.comments.create({ postId: post.id, body: 'Cheap likes, DM me' });
    expect((await carol.client.comments.list(post.id)).items).toHaveLength(0);

    const app = world.mount(admin, { route: { kind: 'moderation' } });
    await app.until('Reports');
    await app.press('t');
    await app.until(`comment ${comment.id} · @${bob.username} · held: “cheap likes” (admin)`);
    await app.press('x');
    await app.until('a release');
    await app.press('a', 'enter', 'Fine, a joke', 'enter');
    await app.until(`Done: release, comment ${comment.id}.`);
    await app.until('Nothing is held.');
    const seen = await eventually(
      async () => await carol.client.comments.list(post.id),
      (page) => page.items.length === 1,
    );
    expect(seen.items.map((c) => c.id)).toEqual([comment.id]);
  });

  it('is not there for a plain user: no key, no route, not in the help', async () => {
    const plain = await world.user('plain');
    const app = world.mount(plain, { route: { kind: 'moderation' } });
    await app.until('Your feed is empty');
    await app.press('M');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(app.frame()).not.toContain('Moderation');
    await app.press('?');
    const help = await app.until('Keys (any key closes this help)');
    expect(help).not.toContain('moderation:');
    expect(help).not.toContain('act on the selected item');
    expect(help).toContain('view a post marked sensitive');
  });
});
