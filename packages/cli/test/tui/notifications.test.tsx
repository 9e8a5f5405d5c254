import { describe, expect, it } from 'vitest';
import { eventually, tuiWorld } from './support.js';

const world = tuiWorld();

describe('browse: notifications', () => {
  it('shows the unread badge, counts live ones, lists them on n and marks them read', async () => {
    const ada = await world.user('ada');
    const bob = await world.user('bob');
    const carol = await world.user('carol');
    const post = await world.post(ada, 'Like this', 1);
    await bob.client.likes.like(post.id);

    const app = world.mount(ada);
    await app.until(/ 1 new$/m);
    // Give the live stream a moment to connect, then something happens while the app is open.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await carol.client.graph.follow({ username: ada.username });
    await app.until(/ 2 new$/m);

    await app.press('n');
    const frame = await app.until(`@${carol.username} started following you`);
    expect(frame).toContain(`@${bob.username} liked your post`);
    await app.until('no new notifications');
    expect(
      (
        await eventually(
          () => ada.client.notifications.unreadCount(),
          (c) => c.count === 0,
        )
      ).count,
    ).toBe(0);

    // enter on a like opens its post
    await app.press('j', 'enter');
    await app.until('Like this');
  });
});
