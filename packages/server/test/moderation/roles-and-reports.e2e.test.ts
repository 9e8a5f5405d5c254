import { describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import { moderationSuite } from './support.js';

interface MyReport {
  id: string;
  target: { kind: string; id: string };
  reason: string;
  note: string;
  state: string;
}
interface QueueItem {
  target: { kind: string; id: string };
  reportCount: number;
  reasons: Record<string, number>;
  owner: { id: string } | null;
}
interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

describe.each(DIALECTS)('moderation roles, reports and the queue on $name', (dialect) => {
  const { w, staff } = moderationSuite(dialect, 'rr');

  it('makes the first account admin and every later one a user, and shows the role on accounts.me', async () => {
    expect(await w.query<{ role: string }>(staff.admin, 'accounts.me')).toMatchObject({ role: 'admin' });
    expect(await w.query<{ role: string }>(staff.moderator, 'accounts.me')).toMatchObject({ role: 'moderator' });
    const plain = await w.user('plain');
    expect(await w.query<{ role: string }>(plain, 'accounts.me')).toMatchObject({ role: 'user' });
  });

  it('reads the role at every request: a grant and a revocation count from the next call', async () => {
    const ben = await w.user('ben');
    expect(await w.refusal(ben, 'moderation.queue', {}, 'query')).toEqual({ status: 403, appCode: 'FORBIDDEN' });
    await w.call(staff.admin, 'moderation.setRole', { userId: ben.id, role: 'moderator', reason: 'helping out' });
    expect(await w.refusal(ben, 'moderation.queue', {}, 'query')).toBeUndefined();
    // A moderator is not an admin.
    expect(
      await w.refusal(ben, 'moderation.setRole', { userId: staff.moderator.id, role: 'user', reason: 'coup' }),
    ).toEqual({
      status: 403,
      appCode: 'FORBIDDEN',
    });
    await w.call(staff.admin, 'moderation.setRole', { username: ben.username, role: 'user', reason: 'stepped down' });
    expect(await w.refusal(ben, 'moderation.queue', {}, 'query')).toEqual({ status: 403, appCode: 'FORBIDDEN' });
    // Nobody changes their own role, nor is a signed-out caller let in.
    expect(
      await w.refusal(staff.admin, 'moderation.setRole', { userId: staff.admin.id, role: 'user', reason: 'x' }),
    ).toEqual({
      status: 403,
      appCode: 'FORBIDDEN',
    });
    expect(await w.refusal(null, 'moderation.log', {}, 'query')).toEqual({ status: 401, appCode: 'UNAUTHENTICATED' });
  });

  it('keeps one open report per reporter and target, shows reporters only their own, and hides what they may not see', async () => {
    const author = await w.user('author');
    const ana = await w.user('ana');
    const bob = await w.user('bob');
    const postId = await w.post(author, { caption: 'buy now' });
    const target = { kind: 'post', id: postId };

    const first = await w.call<MyReport>(ana, 'reports.create', { target, reason: 'spam' });
    const again = await w.call<MyReport>(ana, 'reports.create', { target, reason: 'other', note: 'links everywhere' });
    expect(again.id).toBe(first.id);
    expect(again).toMatchObject({ reason: 'other', note: 'links everywhere', state: 'open' });
    await w.call(bob, 'reports.create', { target, reason: 'spam' });
    expect(
      await staff.t.server.db.kysely.selectFrom('reports').select('id').where('target_id', '=', postId).execute(),
    ).toHaveLength(2);

    const mine = await w.query<Page<MyReport>>(ana, 'reports.mine', {});
    expect(mine.items.map((r) => r.id)).toEqual([first.id]);
    expect(JSON.stringify(mine)).not.toContain(bob.id);

    // A followers-only post of someone ana does not follow is NOT_FOUND, exactly like none.
    const secret = await w.post(author, { visibility: 'followers' });
    const missing = await w.refusal(ana, 'reports.create', { target: { kind: 'post', id: secret }, reason: 'spam' });
    expect(missing).toEqual({ status: 404, appCode: 'NOT_FOUND' });
    expect(
      await w.refusal(ana, 'reports.create', { target: { kind: 'post', id: '900000000000000001' }, reason: 'spam' }),
    ).toEqual(missing);
    expect(
      await w.refusal(ana, 'reports.create', { target: { kind: 'comment', id: '900000000000000001' }, reason: 'spam' }),
    ).toEqual(missing);
    // One's own content cannot be reported; notes are bounded.
    expect(await w.refusal(author, 'reports.create', { target, reason: 'spam' })).toMatchObject({
      appCode: 'VALIDATION_FAILED',
    });
    expect(await w.refusal(ana, 'reports.create', { target, reason: 'spam', note: 'x'.repeat(1_001) })).toMatchObject({
      appCode: 'VALIDATION_FAILED',
    });
    expect(
      await w.refusal(ana, 'reports.create', { target: { kind: 'post', id: '99999999999999999999' }, reason: 'spam' }),
    ).toMatchObject({ appCode: 'VALIDATION_FAILED' });
  });

  it('caps the new reports one account files in an hour with RATE_LIMITED and a retryAfter', async () => {
    const author = await w.user('prolific');
    const reporter = await w.user('zealous');
    const posts = [];
    for (let i = 0; i < 21; i++) posts.push(await w.post(author));
    for (const id of posts.slice(0, 20))
      await w.call(reporter, 'reports.create', { target: { kind: 'post', id }, reason: 'spam' });
    const refused = await w.refusal(reporter, 'reports.create', {
      target: { kind: 'post', id: posts[20] },
      reason: 'spam',
    });
    expect(refused).toMatchObject({ status: 429, appCode: 'RATE_LIMITED' });
    expect(Number(refused?.retryAfter)).toBeGreaterThan(3_000);
    // Updating an open report is not a new one.
    expect(
      await w.refusal(reporter, 'reports.create', { target: { kind: 'post', id: posts[0] }, reason: 'nudity' }),
    ).toBeUndefined();
  });

  it('groups the queue by target with counts per reason, newest activity first, page by page', async () => {
    const author = await w.user('queued');
    const reporters = [await w.user('r'), await w.user('r'), await w.user('r')];
    const [p1, p2] = [await w.post(author), await w.post(author)];
    const comment = await w.call<{ id: string }>(reporters[0]!, 'comments.create', { postId: p1, body: 'rude' });
    await w.call(reporters[0]!, 'reports.create', { target: { kind: 'post', id: p1 }, reason: 'spam' });
    await w.call(reporters[1]!, 'reports.create', { target: { kind: 'post', id: p1 }, reason: 'spam' });
    await w.call(reporters[2]!, 'reports.create', { target: { kind: 'post', id: p1 }, reason: 'nudity' });
    await w.call(reporters[1]!, 'reports.create', {
      target: { kind: 'comment', id: comment.id },
      reason: 'harassment',
    });
    await w.call(reporters[2]!, 'reports.create', { target: { kind: 'user', id: author.id }, reason: 'spam' });
    await w.call(reporters[0]!, 'reports.create', { target: { kind: 'post', id: p2 }, reason: 'violence' });
    // Re-reporting moves a target back to the top.
    await w.call(reporters[2]!, 'reports.create', {
      target: { kind: 'post', id: p1 },
      reason: 'nudity',
      note: 'still',
    });

    const seen: QueueItem[] = [];
    let cursor: string | undefined;
    do {
      const page: Page<QueueItem> = await w.query(staff.moderator, 'moderation.queue', {
        limit: 1,
        ...(cursor ? { cursor } : {}),
      });
      expect(page.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const mine = seen.filter((i) => [p1, p2, comment.id, author.id].includes(i.target.id));
    expect(mine.map((i) => `${i.target.kind}:${i.target.id}`)).toEqual([
      `post:${p1}`,
      `post:${p2}`,
      `user:${author.id}`,
      `comment:${comment.id}`,
    ]);
    expect(mine[0]).toMatchObject({ reportCount: 3, reasons: { spam: 2, nudity: 1 }, owner: { id: author.id } });
    expect(mine[3]).toMatchObject({ reportCount: 1, reasons: { harassment: 1 } });
    // No target appears twice across pages.
    expect(new Set(seen.map((i) => `${i.target.kind}:${i.target.id}`)).size).toBe(seen.length);

    const shown = await w.query<{ reports: { reporter: { id: string }; reason: string }[] }>(
      staff.moderator,
      'moderation.show',
      {
        target: { kind: 'post', id: p1 },
      },
    );
    expect(shown.reports.map((r) => r.reporter.id).sort()).toEqual(reporters.map((r) => r.id).sort());

    // Acting resolves the target's open reports: it leaves the open queue for the resolved one.
    const acted = await w.call<{ resolvedReports: number }>(staff.moderator, 'moderation.dismiss', {
      target: { kind: 'post', id: p2 },
      reason: 'not violent',
    });
    expect(acted.resolvedReports).toBe(1);
    const open = await w.query<Page<QueueItem>>(staff.moderator, 'moderation.queue', { limit: 100 });
    expect(open.items.some((i) => i.target.id === p2)).toBe(false);
    const resolved = await w.query<Page<QueueItem>>(staff.moderator, 'moderation.queue', {
      state: 'resolved',
      limit: 100,
    });
    expect(resolved.items.find((i) => i.target.id === p2)).toMatchObject({ reportCount: 1 });
    const reporterView = await w.query<Page<MyReport>>(reporters[0]!, 'reports.mine', { limit: 100 });
    expect(reporterView.items.find((r) => r.target.id === p2)).toMatchObject({ state: 'resolved' });
    expect(await w.refusal(staff.moderator, 'moderation.queue', { cursor: 'garbage' }, 'query')).toMatchObject({
      appCode: 'VALIDATION_FAILED',
    });
  });
});
