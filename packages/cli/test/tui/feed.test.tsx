import { describe, expect, it } from 'vitest';
import { eventually, tuiWorld } from './support.js';

const world = tuiWorld();

describe('browse: home feed and post', () => {
  it('shows the feed from the server: author, caption, counts, liked state and a photo', async () => {
    const ada = await world.user('ada');
    const bob = await world.user('bob');
    await ada.client.graph.follow({ username: bob.username });
    const post = await world.post(bob, 'Harbour at dawn #harbour', 1);
    await ada.client.likes.like(post.id);

    const app = world.mount(ada);
    const frame = await app.until('Harbour at dawn');
    expect(frame).toContain('Home');
    expect(frame).toContain(`@${bob.username} ♥1 c0`);
    expect(frame).toContain('♥ 1 like · 0 comments');
    // The photo is drawn with half blocks once its bytes arrive.
    expect(await app.until((f) => f.includes('▀') || f.includes('▄'))).toBeTruthy();
  });

  it('draws photos with the kitty protocol when the terminal has it (not stripped by the layout)', async () => {
    const ada = await world.user('kittyfan');
    const bob = await world.user('kittypost');
    await ada.client.graph.follow({ username: bob.username });
    await world.post(bob, 'Seen in kitty', 9);

    const app = world.mount(ada, { support: { protocol: 'kitty', color: 'truecolor' } });
    await app.until('Seen in kitty');
    // Kitty's graphics command: ESC _ G a=T,f=100 (transmit and show a PNG).
    const deadline = Date.now() + 10_000;
    while (!app.raw().includes('\u001b_Ga=T,f=100') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(app.raw()).toContain('\u001b_Ga=T,f=100');
    // Opening the post changes the screen: the pictures of the feed are deleted first.
    expect(app.written()).not.toContain('\u001b_Ga=d,d=A');
    await app.press('enter');
    await app.until((f) => f.includes('Post') && f.includes('Seen in kitty'));
    expect(app.written()).toContain('\u001b_Ga=d,d=A');
  });

  it('moves with j/k, opens a post with its comments and replies, and goes back with esc', async () => {
    const ada = await world.user('nav');
    const bob = await world.user('poster');
    await ada.client.graph.follow({ username: bob.username });
    const older = await world.post(bob, 'Older post', 2);
    await world.post(bob, 'Newer post', 3);
    const comment = await ada.client.comments.create({ postId: older.id, body: 'What a light' });
    await bob.client.comments.create({ postId: older.id, parentId: comment.id, body: 'Thanks, early morning' });

    const app = world.mount(ada);
    await app.until('Newer post');
    expect(app.frame()).toMatch(/› @poster\S* ♡0 c0/);
    await app.press('j');
    await app.until(/› @poster\S* ♡0 c2/);
    await app.press('k', 'down', 'enter');
    const post = await app.until('Thanks, early morning');
    expect(post).toContain('Post');
    expect(post).toContain(`@${ada.username} What a light`);
    expect(post).toContain(`↳ @${bob.username} Thanks, early morning`);
    await app.press('esc');
    await app.until((f) => f.includes('Home') && f.includes('Older post'));
  });

  it('likes and unlikes the selected post with l (the server agrees)', async () => {
    const ada = await world.user('liker');
    const bob = await world.user('liked');
    await ada.client.graph.follow({ username: bob.username });
    const post = await world.post(bob, 'Like me', 4);

    const app = world.mount(ada);
    await app.until('Like me');
    await app.press('l');
    await app.until('♥ 1 like');
    expect(
      (
        await eventually(
          () => ada.client.posts.get(post.id),
          (p) => p.viewerHasLiked,
        )
      ).likeCount,
    ).toBe(1);
    await app.press('l');
    await app.until('♡ 0 likes');
    expect(
      (
        await eventually(
          () => ada.client.posts.get(post.id),
          (p) => !p.viewerHasLiked,
        )
      ).likeCount,
    ).toBe(0);
  });

  it('comments with c: the text typed is posted', async () => {
    const ada = await world.user('commenter');
    const bob = await world.user('author');
    await ada.client.graph.follow({ username: bob.username });
    const post = await world.post(bob, 'Say something', 5);

    const app = world.mount(ada);
    await app.until('Say something');
    await app.press('c');
    await app.until('Comment:');
    await app.press('Lovely!', 'enter');
    await app.until('Comment posted.');
    const { items } = await ada.client.comments.list(post.id);
    expect(items.map((c) => [c.author.username, c.body])).toEqual([[ada.username, 'Lovely!']]);
  });

  it('loads more posts as you scroll past a page', async () => {
    const ada = await world.user('scroller');
    const bob = await world.user('prolific');
    await ada.client.graph.follow({ username: bob.username });
    for (let i = 1; i <= 5; i++) await world.post(bob, `Number ${i}`, 10 + i);

    const app = world.mount(ada, { pageSize: 2 });
    await app.until('Number 5');
    expect(app.frame()).not.toContain('Number 1');
    await app.press('j', 'j', 'j', 'j');
    const frame = await app.until('Number 1');
    expect(frame).toContain('— end —');
  });

  it('reflows when the terminal is resized: below 72 columns only the selected post is shown', async () => {
    const ada = await world.user('resizer');
    const bob = await world.user('wide');
    await ada.client.graph.follow({ username: bob.username });
    await world.post(bob, 'Wide and narrow', 20);

    const app = world.mount(ada);
    await app.until(/› @wide\S* ♡0 c0/);
    app.resize(60, 20);
    const narrow = await app.until((f) => !/› @wide/.test(f) && f.includes('Wide and narrow'));
    expect(Math.max(...narrow.split('\n').map((line) => line.length))).toBeLessThanOrEqual(60);
    app.resize(100, 30);
    await app.until(/› @wide\S* ♡0 c0/);
  });
});
