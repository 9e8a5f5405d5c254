import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { loadUsers } from '../accounts/load-users.js';
import type { AvatarUrls } from '../accounts/presenter.js';
import { presentSummary, targetKey } from './presenter.js';
import type { ReportTarget, TargetSummary } from './types.js';

/**
 * Reported things as moderators see them, whatever their state, in three queries however many:
 * the posts, the comments, then every owner's row. Keyed by `targetKey`.
 */
export async function loadSummaries(
  db: Kysely<Database>,
  targets: readonly ReportTarget[],
  avatarUrls: AvatarUrls,
): Promise<Map<string, TargetSummary>> {
  const idsOf = (kind: ReportTarget['kind']) => [...new Set(targets.filter((t) => t.kind === kind).map((t) => t.id))];
  const postIds = idsOf('post');
  const commentIds = idsOf('comment');
  const [posts, comments] = await Promise.all([
    postIds.length ? db.selectFrom('posts').selectAll().where('id', 'in', postIds).execute() : [],
    commentIds.length ? db.selectFrom('comments').selectAll().where('id', 'in', commentIds).execute() : [],
  ]);
  const postById = new Map(posts.map((p) => [p.id, p]));
  const commentById = new Map(comments.map((c) => [c.id, c]));
  const owners = await loadUsers(db, [
    ...posts.map((p) => p.author_id),
    ...comments.map((c) => c.author_id),
    ...idsOf('user'),
  ]);
  const summaries = new Map<string, TargetSummary>();
  for (const target of targets) {
    const post = target.kind === 'post' ? postById.get(target.id) : undefined;
    const comment = target.kind === 'comment' ? commentById.get(target.id) : undefined;
    const ownerId = post?.author_id ?? comment?.author_id ?? (target.kind === 'user' ? target.id : undefined);
    const owner = ownerId === undefined ? undefined : owners.get(ownerId);
    summaries.set(targetKey(target), presentSummary(target, { post, comment, owner }, avatarUrls));
  }
  return summaries;
}
