import type { ContentHoldsTable } from '../../db/schema.js';
import type { HeldItem } from './types.js';

export function presentHold(row: ContentHoldsTable): HeldItem {
  return {
    id: row.id,
    subject: row.subject,
    postId: row.post_id,
    commentId: row.comment_id,
    authorId: row.author_id,
    rule: { term: row.rule_term, source: row.rule_source === 'admin' ? 'admin' : 'file' },
    createdAt: row.created_at,
  };
}
