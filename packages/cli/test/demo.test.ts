import { describe, expect, it } from 'vitest';
import { createClient } from '@aperture/sdk';
import { startEphemeralServer } from '@aperture/server';
import { CAST, CELEBRITY, DEMO_USER, PRIVATE } from '../src/demo/cast.js';
import { seedDemoWorld } from '../src/demo/seed.js';
import { createCliHome } from './support/cli.js';

describe('aperture demo', () => {
  it('seeds a world: a dozen users with photos, follows, a private account, a celebrity, likes, comments, tags', async () => {
    const server = await startEphemeralServer({ APERTURE_CELEBRITY_FOLLOWERS: '5' });
    try {
      const messages: string[] = [];
      const world = await seedDemoWorld(server.url, (m) => messages.push(m));
      expect(messages[0]).toBe(`Creating ${CAST.length} users…`);
      expect(CAST.length).toBe(12);

      const demo = createClient({ url: server.url });
      await demo.auth.login({ username: world.username, password: world.password });
      expect(world.username).toBe(DEMO_USER);

      const feed = await demo.feed.home({ limit: 50 });
      expect(feed.items).toHaveLength(world.feedPosts);
      expect(new Set(feed.items.map((p) => p.author.username)).size).toBe(CAST.length - 1);
      // Photos are processed and have the derivatives the terminal draws from.
      for (const post of feed.items) for (const media of post.media) expect(media.urls.w320?.jpg).toMatch(/^http/);
      expect(feed.items.some((p) => p.media.length > 1)).toBe(true);
      expect(feed.items.every((p) => p.likeCount > 0 && p.commentCount >= 2)).toBe(true);

      const commented = feed.items[0]!;
      const [comment] = (await demo.comments.list(commented.id)).items;
      expect(comment?.replyCount).toBe(1);

      const celebrity = await demo.users.profile({ username: CELEBRITY });
      expect(celebrity.counts.followers).toBe(CAST.length - 1);
      const secret = await demo.users.profile({ username: PRIVATE });
      expect(secret.user.isPrivate).toBe(true);
      expect(secret.relationship?.following).toBe('pending');

      expect((await demo.feed.hashtag('sunset')).items.length).toBeGreaterThanOrEqual(3);
      expect((await demo.notifications.unreadCount()).count).toBeGreaterThan(0);
    } finally {
      await server.stop();
    }
  }, 180_000);

  it('needs a terminal: exits 2 before starting anything when stdout is a pipe', async () => {
    const home = await createCliHome();
    try {
      const result = await home.run(['demo']);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('demo needs a terminal');
      expect(result.stderr).not.toContain('Demo server running');
    } finally {
      await home.cleanup();
    }
  });
});
