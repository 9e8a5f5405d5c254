// The plain-data half of a scenario: its name and options cross into worker threads inside the
// engine's ShardTask, so they import nothing (the engine's types depend on them, not the reverse).

export const SCENARIO_NAMES = ['feed', 'upload', 'mixed', 'fanout', 'get'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/**
 * Whose sessions the scenarios use: a seeded dataset's users (ids 1..users, tokens derived from the
 * seed number, see seed/), or tokens listed explicitly (users registered some other way).
 */
export type UsersSpec = { kind: 'seeded'; seed: number; users: number } | { kind: 'tokens'; tokens: string[] };

/** Photos made once per run (photos.ts) and shared by path with every worker. */
export interface PhotoSet {
  /** ~200 KB 1080 px JPEGs. */
  small: string[];
  /** 12 MP camera-sized JPEGs. */
  large: string[];
  /** Share of uploads that use a large source (0–1). */
  largeShare: number;
}

/** A short video made once per run (videos.ts), sent as a share of the uploads. */
export interface VideoSet {
  /** An H.264/AAC MP4 the server accepts; each upload sends a unique copy (see uniqueMp4). */
  path: string;
  /** Share of uploads that are videos (0–1): one video per five photos is 1/6. */
  share: number;
}

/** Everything a scenario needs, as plain data: it crosses into worker threads. */
export interface ScenarioOptions {
  /** Base URL of the Aperture server (`/trpc` is below it); the first of `targets` when those are given. */
  target: string;
  /**
   * Several api processes of one deployment without a load balancer: every base URL, `target`
   * first. Each virtual user is given one in turn and keeps it (see `TargetAssigner`).
   */
  targets?: string[] | undefined;
  users?: UsersSpec | undefined;
  /** `get`: the path requested, e.g. `/healthz`. */
  path?: string | undefined;
  /** `get`: headers sent with every request, by lower-case name (`--header`, `--token`). */
  headers?: Record<string, string> | undefined;
  /**
   * Longest wait for a connection, for a response's headers and between body chunks, ms (undici's
   * connect, headers and body timeouts; its defaults when unset: 10 s, 300 s, 300 s). A request
   * that hits it fails as POOL_CONNECT_TIMEOUT, RESPONSE_HEADERS_TIMEOUT or RESPONSE_BODY_TIMEOUT.
   */
  timeoutMs?: number | undefined;
  /** `feed`, `mixed`: pages read per feed visit, following `nextCursor` (default 3). */
  feedPages?: number | undefined;
  /** Posts per feed page (default 20). */
  pageSize?: number | undefined;
  /** `upload`, `mixed`, `fanout`. */
  photos?: PhotoSet | undefined;
  /** `upload`: videos among the uploads (none when unset). */
  videos?: VideoSet | undefined;
  /**
   * `upload`, `mixed`, `fanout`: hashtags in each new post's caption, so each post makes that many tag
   * writes (the hashtag notes count them); none when unset. At most 30, the server's limit per post.
   */
  hashtagsPerPost?: number | undefined;
  /** `mixed`: feed visits per write (default 100, the notes' 100:1). */
  readsPerWrite?: number | undefined;
  /** `fanout`: followers whose feeds are polled for each new post (default 5). */
  fanoutSample?: number | undefined;
  /** `fanout`: how long to wait for a post to appear before counting a failure, ms (default 60 s). */
  fanoutTimeoutMs?: number | undefined;
  /** `fanout`: the authors who post (user ids; default the seeded dataset's users 1..10). */
  fanoutAuthors?: number[] | undefined;
}
