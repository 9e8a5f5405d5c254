/**
 * What `posts.sensitive` holds: who marked the post. The author may mark and unmark their own;
 * a moderator's mark stays until a moderator lifts it. Clients see only `sensitive: boolean`.
 */
export const NOT_SENSITIVE = 0;
export const SENSITIVE_BY_AUTHOR = 1;
export const SENSITIVE_BY_MODERATOR = 2;
