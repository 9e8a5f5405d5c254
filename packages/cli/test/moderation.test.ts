import { describe, expect, it } from 'vitest';
import type {
  HeldContent,
  ModerationLogEntry,
  ModerationResult,
  MyReport,
  PostView,
  QueueItem,
  TargetDetail,
} from '@aperture/sdk';
import { photo, socialWorld, type Person } from './support/social.js';

const world = socialWorld();

describe('aperture report, aperture mod and aperture admin grant', () => {
  let admin: Person;

  it('makes the first account admin, grants roles on the database, and keeps plain users out of mod', async () => {
    admin = await world.someone('admin');
    expect(await admin.json<{ user: { role: string } }>(['whoami'])).toMatchObject({ user: { role: 'admin' } });
    const plain = await world.someone('plain');
    const refused = await plain.run(['mod', 'queue']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('FORBIDDEN');

    const granted = await admin.run([
      'admin',
      'grant',
      plain.username,
      'moderator',
      '--data-dir',
      world.server.dataDir,
    ]);
    expect(granted.code, granted.stderr).toBe(0);
    expect(granted.stdout).toBe(`@${plain.username} is now a moderator.\n`);
    expect((await plain.run(['mod', 'queue'])).code).toBe(0);

    const unknown = await admin.run(['admin', 'grant', 'nobody_here', 'moderator', '--data-dir', world.server.dataDir]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No account is named nobody_here.');
    const badRole = await admin.run(['admin', 'grant', plain.username, 'king', '--data-dir', world.server.dataDir]);
    expect(badRole.code).toBe(2);
  });

  it('reports, works the queue, acts and reverses, suspends, and reads the log', async () => {
    const moderator = await world.someone('mod');
    await admin.run(['mod', 'role', moderator.username, 'moderator', '--reason', 'team']);
    const author = await world.someone('author');
    const reporter = await world.someone('reporter');
    const post = await author.json<PostView>(['post', await photo(author, 'p.jpg', 41), '-c', 'spammy']);

    const reported = await reporter.run(['report', 'post', post.id, '--reason', 'spam', '--note', 'link farm']);
    expect(reported.code, reported.stderr).toBe(0);
    expect(reported.stdout).toMatch(new RegExp(`^Reported post ${post.id} \\(spam\\): report \\d+ is open\\.\\n$`));
    const mine = await reporter.json<MyReport[]>(['reports']);
    expect(mine).toEqual([expect.objectContaining({ target: { kind: 'post', id: post.id }, note: 'link farm' })]);
    expect((await reporter.run(['report', 'post', post.id, '--reason', 'rude'])).code).toBe(2);

    const queue = await moderator.json<QueueItem[]>(['mod', 'queue']);
    expect(queue.find((i) => i.target.id === post.id)).toMatchObject({ reportCount: 1, reasons: { spam: 1 } });
    const piped = await moderator.run(['mod', 'queue']);
    expect(piped.stdout).toMatch(new RegExp(`^post ${post.id}\\t@${author.username}\\t1\\tspam 1\\t-\\t`, 'm'));

    const hidden = await moderator.run(['mod', 'hide', post.id, '--reason', 'Spam']);
    expect(hidden.stdout).toBe(`Post ${post.id} is hidden (1 open report(s) resolved).\n`);
    expect((await reporter.run(['comments', post.id])).stderr).toContain('(NOT_FOUND)');
    const shown = await moderator.json<TargetDetail>(['mod', 'show', 'post', post.id]);
    expect(shown.state.hidden).toBe(true);
    expect(shown.reports).toHaveLength(1);
    expect((await moderator.run(['mod', 'unhide', post.id, '--reason', 'ok'])).code).toBe(0);
    expect((await reporter.run(['comments', post.id])).code).toBe(0);

    const marked = await moderator.json<ModerationResult>(['mod', 'sensitive', post.id, '--reason', 'gore']);
    expect(marked.state.sensitive).toBe(true);
    expect(
      (await moderator.json<ModerationResult>(['mod', 'unsensitive', post.id, '--reason', 'fine'])).state.sensitive,
    ).toBe(false);

    const comment = await reporter.json<{ id: string }>(['comment', post.id, 'you are awful']);
    expect((await moderator.run(['mod', 'remove-comment', comment.id, '--reason', 'abuse'])).stdout).toBe(
      `Comment ${comment.id} is removed.\n`,
    );
    expect((await author.json<unknown[]>(['comments', post.id])).length).toBe(0);
    expect((await moderator.run(['mod', 'restore-comment', comment.id, '--reason', 'appeal'])).code).toBe(0);
    expect((await author.json<unknown[]>(['comments', post.id])).length).toBe(1);

    const suspended = await moderator.run(['mod', 'suspend', author.username, '--reason', 'spam ring']);
    expect(suspended.stdout).toBe(`@${author.username} is suspended.\n`);
    const signedOut = await author.run(['whoami']);
    expect(signedOut.code).not.toBe(0);
    expect((await reporter.run(['user', author.username])).stderr).toContain('(NOT_FOUND)');
    expect((await moderator.run(['mod', 'unsuspend', author.username, '--reason', 'appeal'])).code).toBe(0);
    expect((await reporter.run(['user', author.username])).code).toBe(0);

    const log = await moderator.json<ModerationLogEntry[]>(['mod', 'log', '--user', author.username]);
    // The comment was the reporter's: its removal is logged against them, not the author.
    expect(log.map((e) => e.action)).toEqual([
      'unsuspend',
      'suspend',
      'unmark_sensitive',
      'mark_sensitive',
      'unhide_post',
      'hide_post',
    ]);
    const theirs = await moderator.json<ModerationLogEntry[]>(['mod', 'log', '--user', reporter.username]);
    expect(theirs.map((e) => e.action)).toEqual(['restore_comment', 'remove_comment']);
    const missingReason = await moderator.run(['mod', 'hide', post.id]);
    expect(missingReason.code).not.toBe(0);
  });

  it('lists held posts and comments and releases them, once', async () => {
    // A `hold` rule, as `aperture admin words add hold` adds it; this process applies it at once.
    await world.server.server.services.wordFilters.addAdminRule('cheap likes', 'hold');
    const author = await world.someone('heldauthor');
    const reader = await world.someone('heldreader');
    const post = await author.json<PostView>(['post', await photo(author, 'h.jpg', 77), '-c', 'Cheap likes, ask me']);
    const comment = await author.json<{ id: string }>(['comment', post.id, 'CHEAP-LIKES inside']);
    expect((await reader.run(['comments', post.id])).stderr).toContain('(NOT_FOUND)');
    expect((await reader.run(['mod', 'held'])).stderr).toContain('FORBIDDEN');

    const held = await admin.json<HeldContent[]>(['mod', 'held']);
    const heldPost = held.find((h) => h.target.kind === 'post' && h.target.id === post.id);
    const heldComment = held.find((h) => h.target.kind === 'comment' && h.target.id === comment.id);
    expect(heldPost).toMatchObject({ subject: 'post', rule: { term: 'cheap likes', source: 'admin' } });
    expect(heldComment).toMatchObject({ subject: 'comment', owner: { username: author.username } });
    const piped = await admin.run(['mod', 'held']);
    expect(piped.stdout).toMatch(
      new RegExp(
        `^${heldPost!.holdId}\\tpost ${post.id}\\t@${author.username}\\tcheap likes \\(admin\\)\\tCheap likes, ask me\\t`,
        'm',
      ),
    );
    expect((await admin.run(['mod', 'show', 'post', post.id])).stdout).toContain(`Held since`);

    const released = await admin.run(['mod', 'release', heldPost!.holdId, '--reason', 'not spam']);
    expect(released.code, released.stderr).toBe(0);
    expect(released.stdout).toBe(`Released post ${post.id}.\n`);
    expect((await admin.run(['mod', 'release', heldComment!.holdId, '--reason', 'fine'])).stdout).toBe(
      `Released comment ${comment.id}.\n`,
    );
    expect((await reader.json<{ id: string }[]>(['comments', post.id])).map((c) => c.id)).toEqual([comment.id]);
    const again = await admin.run(['mod', 'release', heldPost!.holdId, '--reason', 'again']);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('(NOT_FOUND)');
    expect((await admin.run(['mod', 'release', heldPost!.holdId])).code).not.toBe(0);
    const log = await admin.json<ModerationLogEntry[]>(['mod', 'log', '--user', author.username]);
    expect(log.map((e) => e.action)).toEqual(['release_hold', 'release_hold']);
    expect(await admin.json<HeldContent[]>(['mod', 'held'])).toEqual([]);
  });
});
