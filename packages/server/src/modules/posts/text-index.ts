import { sql, type AliasedRawBuilder, type Kysely } from 'kysely';
import type { DialectCapabilities } from '../../db/capabilities.js';
import type { Database } from '../../db/schema.js';

/** A matching post and its relevance: lower `rank` is better on both dialects. */
export interface TextMatch {
  post_id: string;
  rank: number;
}

/**
 * The caption full-text index, one implementation per dialect: SQLite's FTS5 (bm25) and Postgres's
 * tsvector with a GIN index (ts_rank). `createTextIndex` is the one place that picks between them.
 * Only live posts are indexed; visibility is decided at query time, so a visibility change needs
 * no re-indexing. It lives with posts, below both of its users: the tags handlers keep it in step
 * with captions, and search reads it.
 */
export interface TextIndex {
  /** Index (or re-index) a post's caption. Idempotent. */
  put(db: Kysely<Database>, postId: string, caption: string): Promise<void>;
  remove(db: Kysely<Database>, postId: string): Promise<void>;
  /** A derived table `alias(post_id, rank)` of the posts whose caption holds every term. */
  match(terms: string[], alias: 'm'): AliasedRawBuilder<TextMatch, 'm'>;
}

/** Most words of a query that are searched for; the rest are ignored. */
export const MAX_QUERY_TERMS = 8;

/** The words of a query, as the index tokenises them (Unicode letters and digits, case-folded). */
export function queryTerms(q: string): string[] {
  const words =
    q
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{M}\p{N}]+/gu) ?? [];
  return [...new Set(words)].slice(0, MAX_QUERY_TERMS);
}

const sqliteTextIndex: TextIndex = {
  async put(db, postId, caption) {
    // FTS5 rowids are the post ids (64-bit integers); there is no upsert on a virtual table.
    await sql`delete from post_search where rowid = cast(${postId} as integer)`.execute(db);
    await sql`insert into post_search (rowid, caption) values (cast(${postId} as integer), ${caption})`.execute(db);
  },
  async remove(db, postId) {
    await sql`delete from post_search where rowid = cast(${postId} as integer)`.execute(db);
  },
  match(terms, alias) {
    // Every term quoted: FTS5 query syntax (AND, NEAR, column filters, `*`) never leaks in from users.
    const expression = terms.map((t) => `"${t.replaceAll('"', '""')}"`).join(' ');
    return sql<TextMatch>`(select rowid as post_id, bm25(post_search) as rank from post_search where post_search match ${expression})`.as(
      alias,
    );
  },
};

const postgresTextIndex: TextIndex = {
  async put(db, postId, caption) {
    await sql`insert into post_search (post_id, document) values (${postId}, to_tsvector('simple', ${caption}))
      on conflict (post_id) do update set document = excluded.document`.execute(db);
  },
  async remove(db, postId) {
    await sql`delete from post_search where post_id = ${postId}`.execute(db);
  },
  match(terms, alias) {
    // `simple`: no stemming or stop words, so both dialects match the same words.
    return sql<TextMatch>`(select s.post_id, -ts_rank(s.document, q.query) as rank
      from post_search s, plainto_tsquery('simple', ${terms.join(' ')}) as q(query)
      where s.document @@ q.query)`.as(alias);
  },
};

export function createTextIndex(caps: DialectCapabilities): TextIndex {
  return caps.dialect === 'sqlite' ? sqliteTextIndex : postgresTextIndex;
}
