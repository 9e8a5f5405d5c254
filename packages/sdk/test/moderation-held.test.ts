import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../server/test/support/databases.js';
import { insertReadyMedia } from '../../server/test/support/media.js';
import { startTestServer, type TestServer } from '../../server/test/support/server.js';
import { NotFoundError, PermissionError } from '../src/index.js';
import { failure } from './support/failure.js';
import { member, type Member } from './support/social.js';

/**
 * Held content reaches moderators: what a word filter's `hold` rule kept back is listed in
 * `moderation.held`, and `moderation.releaseHold` lets it through with its audit-log row.
 */
describe.each(DIALECTS)('held content in the moderator queue on $name', (dialect) => {
  let t: TestServer;
  let dir: string;
  let admin: Member;
  let author: Member;
  let reader: Member;
  let readerPost: string;

  const post = async (who: Member, caption: string) =>
    (await who.client.posts.create({ mediaIds: [await insertReadyMedia(t.server.db.kysely, who.id)], caption })).id;
  const settle = () => t.server.background.dispatcher.drain();
  const commentIds = async (who: Member, postId: string) =>
    (await who.client.comments.list(postId, { limit: 100 })).items.map((c) => c.id);
  const homeIds = async (who: Member) => (await who.client.feed.home({ limit: 100 })).items.map((p) => p.id);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aperture-held-'));
    const file = join(dir, 'words.rules');
    await writeFile(file, 'hold buy followers\n');
    t = await startTestServer({ dialect, env: { APERTURE_WORD_FILTER_FILE: file } });
    // The first account of an instance is its admin.
    admin = await member(t.url, 'admin');
    author = await member(t.url, 'author');
    reader = await member(t.url, 'reader');
    await reader.client.graph.follow(author.id);
    readerPost = await post(reader, 'Harbour at dusk');
  });
  afterAll(async () => {
    await t?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists a held comment and a held post to moderators, with the rule and author, and not to users', async () => {
    const comment = await author.client.comments.create({ postId: readerPost, body: 'Buy followers here' });
    const postId = await post(author, 'buy  followers cheap #deals');

    const held = await admin.client.moderation.held();
    const heldComment = held.items.find((i) => i.target.kind === 'comment' && i.target.id === comment.id);
    const heldPost = held.items.find((i) => i.target.kind === 'post' && i.target.id === postId);
    expect(heldComment).toMatchObject({
      subject: 'comment',
      owner: { id: author.id },
      text: 'Buy followers here',
      postId: readerPost,
      rule: { term: 'buy followers', source: 'file' },
      state: { held: true, hidden: false },
    });
    expect(heldPost).toMatchObject({ subject: 'post', owner: { id: author.id }, state: { held: true } });
    // Oldest first: the comment was held before the post.
    expect(held.items.indexOf(heldComment!)).toBeLessThan(held.items.indexOf(heldPost!));
    const firstOnly = await admin.client.moderation.held({ limit: 1 });
    expect(firstOnly.items).toHaveLength(1);
    expect(firstOnly.nextCursor).not.toBeNull();

    const shown = await admin.client.moderation.show({ kind: 'post', id: postId });
    expect(shown.state.held).toBe(true);
    expect(shown.holds).toEqual([expect.objectContaining({ holdId: heldPost!.holdId, subject: 'post' })]);

    const refused = await failure(() => reader.client.moderation.held().toArray());
    expect(refused).toBeInstanceOf(PermissionError);
    expect(refused.code).toBe('FORBIDDEN');
    const releaseRefused = await failure(() => author.client.moderation.releaseHold(heldPost!.holdId, 'mine'));
    expect(releaseRefused.code).toBe('FORBIDDEN');
  });

  it('releases them: visible to others and in feeds, logged as release_hold, and only once', async () => {
    const comment = await author.client.comments.create({ postId: readerPost, body: 'BUY-FOLLOWERS now' });
    const postId = await post(author, 'Buy followers, a sunset');
    await settle();
    expect(await commentIds(reader, readerPost)).not.toContain(comment.id);
    expect(await homeIds(reader)).not.toContain(postId);
    expect((await failure(() => reader.client.posts.get(postId))).code).toBe('NOT_FOUND');

    const held = (await admin.client.moderation.held({ limit: 100 })).items;
    const commentHold = held.find((i) => i.target.id === comment.id)!;
    const postHold = held.find((i) => i.target.id === postId)!;

    const released = await admin.client.moderation.releaseHold(commentHold.holdId, 'Just enthusiasm');
    expect(released).toMatchObject({ target: { kind: 'comment', id: comment.id }, state: { held: false } });
    const releasedPost = await admin.client.moderation.releaseHold(postHold.holdId, 'A photo, not spam');
    expect(releasedPost.state.held).toBe(false);
    await settle();

    expect(await commentIds(reader, readerPost)).toContain(comment.id);
    expect((await reader.client.posts.get(postId)).id).toBe(postId);
    expect(await homeIds(reader)).toContain(postId);
    const stillHeld = (await admin.client.moderation.held({ limit: 100 })).items.map((i) => i.holdId);
    expect(stillHeld).not.toContain(commentHold.holdId);
    expect(stillHeld).not.toContain(postHold.holdId);
    expect((await admin.client.moderation.show({ kind: 'post', id: postId })).holds).toEqual([]);

    const log = (await admin.client.moderation.log({ targetUserId: author.id })).items;
    expect(log).toContainEqual(
      expect.objectContaining({
        action: 'release_hold',
        target: { kind: 'post', id: postId },
        reason: 'A photo, not spam',
        moderator: expect.objectContaining({ id: admin.id }),
      }),
    );
    expect(log).toContainEqual(
      expect.objectContaining({ action: 'release_hold', target: { kind: 'comment', id: comment.id } }),
    );

    const again = await failure(() => admin.client.moderation.releaseHold(postHold.holdId, 'again'));
    expect(again).toBeInstanceOf(NotFoundError);
    expect(again.code).toBe('NOT_FOUND');
    const unknown = await failure(() => admin.client.moderation.releaseHold('9100000000000000001', 'no such'));
    expect(unknown.code).toBe('NOT_FOUND');
    const pastRange = await failure(() => admin.client.moderation.releaseHold('9223372036854775808', 'too big'));
    expect(pastRange.code).toBe('VALIDATION_FAILED');
    const releases = (await admin.client.moderation.log({ targetUserId: author.id })).items.filter(
      (e) => e.action === 'release_hold',
    );
    expect(releases).toHaveLength(2);
  });

  it('resolves the open reports of a held caption edit when it is released', async () => {
    const postId = await post(author, 'Quiet morning');
    await reader.client.reports.create({ target: { kind: 'post', id: postId }, reason: 'spam' });
    await author.client.posts.update(postId, { caption: 'Quiet morning, buy followers' });
    const hold = (await admin.client.moderation.held({ limit: 100 })).items.find((i) => i.target.id === postId)!;
    expect(hold.subject).toBe('caption');
    const released = await admin.client.moderation.releaseHold(hold.holdId, 'Harmless');
    expect(released.resolvedReports).toBe(1);
    expect((await reader.client.posts.get(postId)).caption).toBe('Quiet morning, buy followers');
  });

  it('lets one of two moderators releasing the same hold at once win, with one log row', async () => {
    const moderator = await member(t.url, 'mod');
    await admin.client.moderation.setRole({ userId: moderator.id }, 'moderator', 'team');
    const comment = await author.client.comments.create({ postId: readerPost, body: 'buy followers, twice' });
    const hold = (await admin.client.moderation.held({ limit: 100 })).items.find((i) => i.target.id === comment.id)!;
    const outcomes = await Promise.allSettled([
      admin.client.moderation.releaseHold(hold.holdId, 'first'),
      moderator.client.moderation.releaseHold(hold.holdId, 'second'),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const lost = outcomes.find((o) => o.status === 'rejected');
    expect((lost as PromiseRejectedResult).reason).toBeInstanceOf(NotFoundError);
    const logged = (await admin.client.moderation.log({ targetUserId: author.id, limit: 100 })).items.filter(
      (e) => e.target.id === comment.id,
    );
    expect(logged).toHaveLength(1);
  });
});
