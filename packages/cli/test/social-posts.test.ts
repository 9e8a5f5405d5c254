import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { CommentView, LikeResult, PostView, Profile } from '@aperture/sdk';
import { BIN } from './support/cli.js';
import { photo, socialWorld, type Person } from './support/social.js';

const world = socialWorld();
const someone = (prefix: string): Promise<Person> => world.someone(prefix);

type UserJson = Profile & { posts: PostView[]; more: boolean };

describe('aperture post, user and delete-post', () => {
  it('posts two photos as one post, in order, followers only, and shows it on the profile', async () => {
    const ada = await someone('poster');
    const first = await photo(ada, 'first.jpg', 11);
    const second = await photo(ada, 'second.jpg', 12);

    const posted = await ada.run(['post', first, second, '--caption', 'Two of them', '--followers-only']);
    expect(posted.code, posted.stderr).toBe(0);
    const id = /^Posted (\d+) \(2 photos, followers only\)\.$/m.exec(posted.stdout)?.[1];
    expect(id).toBeDefined();

    const profile = await ada.json<UserJson>(['user', ada.username]);
    expect(profile.counts.posts).toBe(1);
    expect(profile.posts.map((p) => [p.id, p.caption, p.visibility, p.media.length])).toEqual([
      [id, 'Two of them', 'followers', 2],
    ]);
    // The carousel keeps the order of the files: uploading them again names the same media.
    const uploaded = await ada.json<{ id: string }[]>(['upload', first, second]);
    expect(profile.posts[0]?.media.map((m) => m.id)).toEqual(uploaded.map((m) => m.id));

    // Piped, the grid is tab-separated: id, ISO date, media, video lengths, likes, comments, audience, caption.
    const human = await ada.run(['user', `@${ada.username}`]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`@${ada.username}\n1 post · 0 followers · 0 following\n`);
    expect(human.stdout).toMatch(
      new RegExp(`^${id}\\t\\d{4}-\\d\\d-\\d\\dT[^\\t]+Z\\t2\\t\\t0\\t0\\tfollowers\\tTwo of them$`, 'm'),
    );
  });

  it('posts nothing when a file is missing, and deletes a post everywhere', async () => {
    const ada = await someone('deleter');
    const good = await photo(ada, 'good.jpg', 21);
    const missing = await ada.run(['post', good, `${ada.home.dir}/missing.jpg`]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('missing.jpg: no such file (nothing was posted).');
    expect((await ada.json<UserJson>(['user', ada.username])).posts).toEqual([]);

    const post = await ada.json<PostView>(['post', good, '-c', 'Soon gone']);
    expect(post.visibility).toBe('public');
    const deleted = await ada.run(['delete-post', post.id]);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toBe(`Deleted post ${post.id}.\n`);
    expect((await ada.json<UserJson>(['user', ada.username])).posts).toEqual([]);
    const gone = await ada.run(['comments', post.id]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('(NOT_FOUND)');
  });

  it('shows the grid to a signed-out reader, and says so for an unknown user', async () => {
    const ada = await someone('public');
    await ada.json<PostView>(['post', await photo(ada, 'p.jpg', 31), '--caption', 'For everyone']);
    await ada.run(['logout']);
    const profile = await ada.json<UserJson>(['user', ada.username]);
    expect(profile.relationship).toBeNull();
    expect(profile.posts.map((p) => p.caption)).toEqual(['For everyone']);
    const unknown = await ada.run(['user', 'no_such_user_here']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('(NOT_FOUND)');
  });

  it('lists at most --limit posts and says there are more', async () => {
    const ada = await someone('many');
    const file = await photo(ada, 'same.jpg', 41);
    for (const caption of ['one', 'two', 'three']) await ada.json<PostView>(['post', file, '-c', caption]);
    const two = await ada.json<UserJson>(['user', ada.username, '--limit', '2']);
    expect(two.posts.map((p) => p.caption)).toEqual(['three', 'two']);
    expect(two.more).toBe(true);
    const human = await ada.run(['user', ada.username, '-n', '2']);
    expect(human.stdout).toContain(`… more: aperture user ${ada.username} --limit 4`);
    expect((await ada.run(['user', ada.username, '--limit', '0'])).code).toBe(2);
  });

  it('draws the grid as aligned columns on a terminal', async () => {
    const ada = await someone('tty');
    const post = await ada.json<PostView>(['post', await photo(ada, 't.jpg', 51), '-c', 'On screen']);
    const screen = await onTerminal(ada, ['user', ada.username]);
    expect(screen).toMatch(/POST {2,}DATE {2,}MEDIA {2}VIDEO {2}LIKES {2}COMMENTS {2}SEEN BY +CAPTION/);
    expect(screen).toMatch(
      new RegExp(`${post.id} {2}\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d {2}1 +0 +0 +everyone +On screen`),
    );
  });
});

describe('aperture like, unlike, comment and comments', () => {
  it('likes with a reaction, comments, replies, and lists the thread', async () => {
    const ada = await someone('author');
    const bob = await someone('fan');
    const post = await ada.json<PostView>(['post', await photo(ada, 'l.jpg', 61), '-c', 'Like me']);

    const liked = await bob.json<LikeResult & { postId: string }>(['like', post.id, '--reaction', 'love']);
    expect(liked).toEqual({ postId: post.id, liked: true, reaction: 'love', likeCount: 1 });
    const again = await bob.run(['like', post.id]);
    expect(again.stdout).toBe(`Liked post ${post.id} (like); it has 1 like.\n`);
    const wrong = await bob.run(['like', post.id, '--reaction', 'meh']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('VALIDATION_FAILED');

    const top = await bob.json<CommentView>(['comment', post.id, 'Lovely light']);
    const reply = await ada.run(['comment', post.id, 'Thank you', '--reply-to', top.id]);
    expect(reply.code, reply.stderr).toBe(0);
    const replyId = new RegExp(`^Replied to comment ${top.id}: comment (\\d+)\\.$`, 'm').exec(reply.stdout)?.[1];
    expect(replyId).toBeDefined();

    // Piped: id, the id it replies to, author, date, text; replies right under their comment.
    const listed = await ada.run(['comments', post.id]);
    expect(listed.code).toBe(0);
    const rows = listed.stdout
      .trim()
      .split('\n')
      .map((line) => line.split('\t'));
    expect(rows.map(([id, parent, author, , body]) => [id, parent, author, body])).toEqual([
      [top.id, '', bob.username, 'Lovely light'],
      [replyId, top.id, ada.username, 'Thank you'],
    ]);
    const threads = await bob.json<(CommentView & { replies: CommentView[] })[]>(['comments', post.id]);
    expect(threads.map((t) => [t.body, t.replyCount, t.replies.map((r) => r.body)])).toEqual([
      ['Lovely light', 1, ['Thank you']],
    ]);

    const unliked = await bob.run(['unlike', post.id]);
    expect(unliked.stdout).toBe(`Unliked post ${post.id}; it has 0 likes.\n`);
    const seen = await ada.json<UserJson>(['user', ada.username]);
    expect(seen.posts[0]).toMatchObject({ likeCount: 0, commentCount: 2 });
  });

  it('refuses ids that are not ids (exit 2) and needs a sign-in to like (exit 4)', async () => {
    const ada = await someone('strict');
    expect((await ada.run(['like', 'abc'])).code).toBe(2);
    expect((await ada.run(['comment', '123', 'hi', '--reply-to', 'x'])).code).toBe(2);
    await ada.run(['logout']);
    const signedOut = await ada.run(['like', '123']);
    expect(signedOut.code).toBe(4);
    expect(signedOut.stdout).toBe('');
  });
});

const quote = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`;

/** Runs the binary on a real pseudo-terminal (util-linux `script`) and returns what it showed. */
function onTerminal(who: Person, args: string[]): Promise<string> {
  const command = [process.execPath, BIN, ...args].map(quote).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], { env: who.home.env, stdio: 'pipe' });
  let screen = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (screen += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', () => resolve(screen));
    child.stdin.end();
  });
}
