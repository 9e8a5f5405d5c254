import type { EnvVariable } from './env-schema.js';

/**
 * What each environment variable means, for people: the tables of README.md ("Configuration") and
 * docs/configuration.md ("Variables") are generated from this with `npm run docs:env`, never edited
 * by hand. Typed by the schema's keys, so a variable added to or removed from env-schema.ts without its
 * entry here does not compile. The order here is the tables' order.
 */
export interface VariableDoc {
  /**
   * The default column, when the schema's own default is not what a reader should see: a value
   * derived at start (paths under the data dir), generated, random, or applied outside the schema.
   * Without it the column shows the schema's default, or "unset" when it has none.
   */
  shownDefault?: string;
  /** The README's one-line meaning. */
  summary: string;
  /** docs/configuration.md's meaning, when it says more than the summary. */
  reference?: string;
}

export const VARIABLE_DOCS = {
  APERTURE_DATA_DIR: {
    summary: 'where the embedded defaults and the generated secret live',
    reference: 'folder for the embedded defaults (SQLite file, media) and the generated secret',
  },
  APERTURE_DATABASE_URL: {
    shownDefault: '`sqlite:<data dir>/aperture.db`',
    summary: '`sqlite:<file>` or `postgres://user@host:5432/db[?schema=name]`',
    reference: 'metadata database, see below',
  },
  APERTURE_DATABASE_READ_URL: {
    summary: '`postgres://…` of a streaming replica for feed, profile, post, search and hashtag reads (Postgres only)',
    reference:
      "a hot standby of the Postgres database (`postgres://user@replica:5432/db`) that serves the read paths: feeds, profiles, posts, search and hashtags. Writes, and a user's reads until the replica has replayed their own latest write, go to the primary; a replica that is down or lags past `APERTURE_DATABASE_READ_MAX_LAG_SECONDS` sends every read to the primary (one log line each way). Refused with SQLite. It serves `APERTURE_DATABASE_URL`'s schema. See [operations.md](operations.md#read-replica)",
  },
  APERTURE_DATABASE_READ_MAX_LAG_SECONDS: {
    summary: 'replica lag past which every read goes to the primary',
    reference:
      'how far (in seconds of WAL) the read replica may be behind the primary and still serve reads; past it every read goes to the primary until the replica catches up',
  },
  APERTURE_MEDIA_URL: {
    shownDefault: '`file:<data dir>/media`',
    summary: '`file:<dir>` or `s3://<bucket>?region=<r>&endpoint=<url>&forcePathStyle=true`',
    reference: 'blob store for photos, see below',
  },
  APERTURE_HOST: {
    summary: 'interface to listen on (`0.0.0.0` for all)',
    reference: 'interface to listen on; `0.0.0.0` (or `::`) for all',
  },
  APERTURE_PORT: {
    summary: 'port (`0` picks a free one)',
    reference: 'TCP port; `0` picks a free one (the server prints the URL)',
  },
  APERTURE_PUBLIC_URL: {
    shownDefault: '`http://<host>:<port>`',
    summary: 'base URL clients reach this server at (signed upload URLs use it)',
    reference:
      'the base URL clients reach this server at, e.g. `https://photos.example.com` behind a proxy. Signed upload URLs of the disk store are built from it',
  },
  APERTURE_SECRET: {
    shownDefault: 'generated into `<data dir>/secret`',
    summary: 'key for signed URLs (≥ 32 characters)',
    reference:
      'HMAC key for signed URLs, ≥ 32 characters. When unset, a random key is generated on first start and kept in `<data dir>/secret` (mode 0600), so restarts keep URLs valid. Processes sharing a database and disk store must share the secret',
  },
  APERTURE_ROLE: {
    summary:
      '`api` (serve the API), `worker` (background work: image processing, fan-out, notifications, sweeping; serves only health and metrics) or `all`; run at least one `worker` or `all`',
    reference:
      "`api` serves the API (`/trpc`, `PUT /uploads/…`, `GET /media/…`) and does no background work; `worker` does the background work — image processing, delivering outbox events (fan-out to home timelines, hashtags, notifications), cleaning up deleted posts, the media sweepers — and answers only `/healthz`, `/readyz` and `/metrics` (under the rules below), so a load balancer cannot send user traffic to it; `all` does both. Run at least one `worker` or `all` process per database: without one, uploads stay `processing` and posts reach no follower's timeline. Every role counts post views and writes them",
  },
  APERTURE_NICE: {
    shownDefault: '19 for `worker`, else 0',
    summary:
      'niceness (0–19) `aperture serve` runs at: a worker (or an API process that only takes uploads) yields the CPU to the processes answering reads on the same machine',
    reference:
      "niceness (0–19) that `aperture serve` gives every thread of its process at start; threads and children started later (libvips' workers, ffmpeg) inherit it. A `worker` runs at 19 (the lowest priority) unless this is set, `api` and `all` at what they were started with; servers embedded with `createServer` are never changed. On a machine shared by several processes the kernel then runs the ones at 0 first and the niced ones in the CPU time left over, so image processing, fan-out and uploads do not stretch read latency; on an otherwise idle machine a niced process still gets every core. Give the same to an `api` process that only takes uploads when reads and uploads go to separate processes ([operations.md](operations.md#one-box-api-and-worker-processes-on-postgres)). Beside API processes that keep every core busy a worker at 19 gets a few percent of a core (about a tenth at 10): watch its queues (`aperture_media_queue_depth`, `aperture_outbox_pending_events`) on a box short of CPU",
  },
  APERTURE_NODE_ID: {
    shownDefault: 'leased: lowest free',
    summary:
      'pins this process to one node id (part of every id); unset, each process leases the lowest id no live process holds',
    reference:
      'the node part of every id this process creates (0–8191). Unset (recommended), the process leases the lowest id no live process holds from the `node_leases` table and renews it every 10 s; a stopped process frees its id at once, a killed one after its 30 s lease lapses (at once for a process on the same machine, which sees that its pid is gone). Set, the process claims exactly that id and refuses to start while a live process holds it. Either way a restart that gets the id of a dead process releases the work leases that process held (see [operations.md](operations.md#node-ids))',
  },
  APERTURE_SESSION_TTL_DAYS: {
    summary: 'how long a sign-in lasts',
    reference: 'lifetime of a sign-in',
  },
  APERTURE_TRUST_PROXY: {
    shownDefault: '`false`',
    summary:
      'trust `X-Forwarded-*` from the reverse proxy in front (`true`), or from that many proxies (`2`: a CDN before nginx); client addresses for rate limits come from it',
    reference:
      'believe `X-Forwarded-For`/`-Proto` from reverse proxies you run: `true` (or `1`) for the one proxy in front, `2` for two (a CDN before nginx), up to `10`. Only that many of the nearest `X-Forwarded-For` entries are believed, so a client cannot pick its own address by writing the header itself. See [Limits](#limits)',
  },
  APERTURE_MAX_UPLOAD_MB: {
    summary: 'largest accepted upload',
  },
  APERTURE_MIN_FREE_MB: {
    summary:
      'below this much free space on the media or SQLite disk, uploads are refused (`STORAGE_FULL`) and `/readyz` fails; `0` turns it off',
    reference:
      "free-space floor of the disks Aperture writes to: the disk store's folder and the SQLite file's (S3 and Postgres have none here). Below it, `media.createUpload` and `PUT /uploads/…` answer `STORAGE_FULL` (507, `Retry-After`) before reading anything, and `/readyz` answers 503 with a failing `free space` check; reads, posts of photos already uploaded and uploads already sent go on. Read with `statfs` at most once a second. A video's copies for ffprobe and ffmpeg are checked against it too, on the volume of `APERTURE_VIDEO_TEMP_DIR`, before they are written (`STORAGE_FULL` when completing an upload). `0` turns the floor off (a full disk then fails writes half-way, still as `STORAGE_FULL`, keeping nothing half-written)",
  },
  APERTURE_MAX_IMAGE_MEGAPIXELS: {
    summary: 'largest accepted image',
    reference: 'largest accepted image, checked from the header before decoding (pixel bombs)',
  },
  APERTURE_MAX_VIDEO_MB: {
    summary: 'largest accepted video upload',
    reference:
      'largest accepted video upload (MP4, MOV, WebM, Matroska); photos keep `APERTURE_MAX_UPLOAD_MB`. Files over 16 MiB go up in parts (see docs/api.md)',
  },
  APERTURE_MAX_VIDEO_SECONDS: {
    summary: 'longest accepted video',
    reference:
      'longest accepted video, in seconds, read from the container by ffprobe when the upload completes (`VIDEO_TOO_LONG`)',
  },
  APERTURE_VIDEO_CONCURRENCY: {
    summary: 'videos transcoded at once per process, on a queue apart from photos',
    reference:
      'videos transcoded at once by this process, each one ffmpeg child with `-threads 1`. Videos have their own queue, so a long transcode never holds up photos; their poster frame takes a slot of `APERTURE_MEDIA_CONCURRENCY` like any image',
  },
  APERTURE_FFMPEG_PATH: {
    shownDefault: 'the bundled ffmpeg',
    summary: 'ffmpeg binary to run instead of the one the server package bundles',
    reference:
      'ffmpeg binary to run instead of the one `@ffmpeg-installer/ffmpeg` bundles. A missing or broken one disables video uploads (`VIDEO_TOOLS_UNAVAILABLE`, a failing `video tools` check on `/readyz`); the rest of the server stays ready',
  },
  APERTURE_FFPROBE_PATH: {
    shownDefault: 'the bundled ffprobe',
    summary: 'ffprobe binary to run instead of the one the server package bundles',
    reference:
      'ffprobe binary to run instead of the one `@ffprobe-installer/ffprobe` bundles; missing or broken, video uploads are disabled as for `APERTURE_FFMPEG_PATH`',
  },
  APERTURE_VIDEO_TEMP_DIR: {
    shownDefault: 'the OS temp folder',
    summary: 'folder a video is copied to while it is probed and transcoded',
    reference:
      "folder a video is copied to while ffprobe reads it (when its upload completes) and while ffmpeg transcodes it: the original, and for a transcode its renditions, each in a private subfolder removed afterwards. Each copy is checked first against `APERTURE_MIN_FREE_MB` on this folder's volume: one that would take it below the floor is refused (`STORAGE_FULL`, the upload kept pending) or, for a transcode, put off as an outage. Point it at a large scratch disk when the OS temp folder is small or in memory",
  },
  APERTURE_MEDIA_CONCURRENCY: {
    summary: 'images decoded at once per process (processing and `?w=` renders share it)',
    reference:
      "images decoded at once by this process: uploads being processed and on-demand `?w=` widths take turns in the same slots, so this one number bounds sharp's CPU and memory. 1 keeps a core free for reads on a 2-core box",
  },
  APERTURE_MEDIA_RENDER_QUEUE: {
    summary: '`?w=` renders that may wait for a slot; more answer `503` with `Retry-After`',
    reference:
      'on-demand `?w=` widths that may wait for one of those slots; past that a request is answered `503 UNAVAILABLE` with `Retry-After: 2` instead of queueing. A waiting render holds no image in memory. Processing is never refused: its workers, one per slot, wait their turn',
  },
  APERTURE_UNATTACHED_MEDIA_HOURS: {
    summary: 'unused uploads are deleted after this long',
    reference: 'ready media no post or avatar uses is deleted after this long',
  },
  APERTURE_MEDIA_BLOCKLIST_DISTANCE: {
    summary: 'uploads this many bits (of 64) or fewer from a blocked perceptual hash are refused',
    reference:
      'uploads (photos, and videos by their poster frame) whose 64-bit perceptual hash differs from a blocked one in this many bits or fewer are refused with `MEDIA_BLOCKED`; 0 refuses only identical hashes. Higher catches more altered copies (cropped, filtered) and risks refusing unrelated photos of similar composition; lower the opposite. See [moderation.md](moderation.md#media-blocklist)',
  },
  APERTURE_CELEBRITY_FOLLOWERS: {
    summary: 'fan-out threshold: bigger accounts are pulled at read time',
    reference: 'authors with at least this many followers are not fanned out; readers pull their posts',
  },
  APERTURE_ACTIVE_DAYS: {
    summary: 'who counts as an active follower for fan-out',
    reference:
      'followers who signed in within this many days get pushes; others get a rebuilt timeline when they return',
  },
  APERTURE_TIMELINE_CAP: {
    summary: 'rows kept per home timeline',
    reference: 'rows kept per home timeline; older pages are pulled',
  },
  APERTURE_TIMELINE_TRIM_EVERY: {
    summary: 'fan-out trims a timeline back to the cap on about one push in this many',
    reference:
      'fan-out trims a timeline back to the cap on about one push in this many (1: on every push); a timeline may hold a few dozen rows over the cap meanwhile, which makes pushing to many followers ~2× faster on a large database',
  },
  APERTURE_VIEW_FLUSH_SECONDS: {
    summary: 'how often each process writes the post views it counted (also on stop)',
    reference: 'how often each process writes the post views it counted (also written on stop)',
  },
  APERTURE_SHUTDOWN_GRACE_SECONDS: {
    summary: 'on SIGTERM/SIGINT, how long requests in flight may take to finish before their connections are closed',
    reference:
      'on SIGTERM or SIGINT, `aperture serve` answers /readyz with 503 and refuses new requests at once (503, `Connection: close`), ends live notification streams with a hint to reconnect elsewhere, and gives requests in flight this long to finish before it closes their connections; then it stops background work, releases its leases and exits',
  },
  APERTURE_SAFETY_POLL_SECONDS: {
    summary:
      'Postgres: how often background work and live notification streams look for what other processes wrote, should a LISTEN/NOTIFY wake-up have been missed',
    reference:
      "Postgres only. Processes sharing the database wake each other with LISTEN/NOTIFY as soon as work commits (outbox events, queued uploads, notifications, revoked sessions), so the outbox dispatcher, the media processor, each process's one look over its open live streams and its session check poll only as a safety net, at this interval, for a wake-up lost while a listening connection was being re-opened. It also bounds how late an open stream notices that its session expired (nothing is delivered after the expiry meanwhile). On SQLite (one process) the polls stay at 1–2 s and this is not read. Lower it if LISTEN cannot reach Postgres (a pooler in transaction mode does not pass it on)",
  },
  APERTURE_MAX_BATCH: {
    summary: 'most calls in one batched API request; more is refused with `BATCH_TOO_LARGE`',
    reference:
      'most calls one batched API request may carry (1–1000); a larger batch is refused with `BATCH_TOO_LARGE` before any call runs. The SDK sends at most 10 per request: if you lower this, give the SDK the same `maxBatchSize`',
  },
  APERTURE_PASSWORD_HASH_CONCURRENCY: {
    summary: 'password hashes (argon2id) computed at once per process',
    reference: 'password hashes (argon2id, 19 MiB and tens of ms of CPU each) computed at once by this process (1–64)',
  },
  APERTURE_PASSWORD_HASH_QUEUE: {
    summary: 'sign-ins and registrations waiting for a hash; more are refused at once with `RATE_LIMITED`',
    reference:
      'sign-ins and registrations allowed to wait for a hash (0–10000); the next one is refused at once with `RATE_LIMITED` (Retry-After 1)',
  },
  APERTURE_RATE_LIMIT_PASSWORD_PER_MIN: {
    summary: 'sign-ins and registrations per client address and minute (`0`: no limit)',
    reference:
      '`accounts.login` and `accounts.register` calls per client address and minute, also the burst; `0` turns it off',
  },
  APERTURE_RATE_LIMIT_ANON_PER_MIN: {
    summary: 'other calls without a valid session per client address and minute (`0`: no limit)',
    reference:
      'other calls made without a valid session per client address and minute, also the burst; `0` turns it off',
  },
  APERTURE_WRITE_LIMITS: {
    summary:
      'posts, comments, likes, follows, upload starts and reports per account and hour, as `kind=n,…` (`kind=0`: no limit; `off`: none)',
    reference:
      'what one account may do per hour, as comma-separated `kind=n` pairs over the defaults (kinds: `posts`, `comments`, `likes`, `follows`, `uploads` — upload starts —, `reports`); each is also the burst, refilled evenly over the hour. A kind not named keeps its default, `kind=0` lifts that limit, `off` lifts them all. Counted in the database, so the limits hold across every process of a deployment. Past one: `RATE_LIMITED` (429) with `retryAfter`. See [moderation.md](moderation.md#limits-and-word-filters)',
  },
  APERTURE_WRITE_LIMITS_NEW_ACCOUNT: {
    summary: 'the same for accounts younger than `APERTURE_NEW_ACCOUNT_HOURS` (tighter)',
    reference:
      "the per-account limits in an account's first `APERTURE_NEW_ACCOUNT_HOURS`, in the same form (kinds not named keep these defaults; `kind=0` lifts that limit for new accounts)",
  },
  APERTURE_NEW_ACCOUNT_HOURS: {
    summary: 'how long an account gets the new-account limits (`0`: never)',
    reference:
      'how many hours after sign-up an account is limited by `APERTURE_WRITE_LIMITS_NEW_ACCOUNT` instead of `APERTURE_WRITE_LIMITS`; `0` gives every account the regular limits',
  },
  APERTURE_WRITE_LIMITS_PER_ADDRESS: {
    summary: 'the same kinds per client address and hour, plus `signups` (`accounts.register`), whoever is signed in',
    reference:
      "what all accounts together may do per hour from one client address (an IPv6 client by its /64), in the same form, plus `signups`: `accounts.register` calls. Many people may share an address (NAT, a campus proxy), so these are ten times an account's. Behind a proxy set `APERTURE_TRUST_PROXY`, or every client shares the proxy's address. A load test from one machine needs `off` here",
  },
  APERTURE_WORD_FILTER_FILE: {
    summary: 'a file of terms that reject or hold comments and captions; re-read when it changes',
    reference:
      'a file of word filter rules, one a line: `reject <term>` or `hold <term>` (a term may be several words; `#` starts a comment). A matching comment or caption is refused with `CONTENT_REJECTED` or saved but shown to its author only until a moderator releases it. Checked for changes every 2 s; a broken file stops the start, and a change that breaks it is logged and the rules before it stay. Rules added with `aperture admin words` apply too. See [moderation.md](moderation.md#limits-and-word-filters)',
  },
  APERTURE_EXPORT_TTL_HOURS: {
    summary: 'a ready account export is removed, and its download link stops working, after this long',
    reference:
      'how long the archive `accounts.export` built stays in the blob store; its download link never outlives it. See [accounts.md](accounts.md)',
  },
  APERTURE_DELETION_GRACE_HOURS: {
    summary: 'a deleted account is purged this long after its owner deleted it (default 14 days)',
    reference:
      'how long after `accounts.delete` everything of the account (posts, media and their files, comments, likes, follows, notifications…) is removed; until then it is hidden from everyone and cannot sign in. `0`: at the next cleanup round. See [accounts.md](accounts.md)',
  },
  APERTURE_DELETED_USERNAME_HOLD_DAYS: {
    summary: "a purged account's username stays reserved this long",
    reference:
      'how long the tombstone of a purged account keeps its username from being registered again, so no one takes over a name others knew; then the row is removed and the name is free. See [accounts.md](accounts.md)',
  },
  APERTURE_METRICS_TOKEN: {
    summary: 'serve `/metrics` on the API port to `Authorization: Bearer <token>` (≥ 16 characters)',
    reference:
      'serve `GET /metrics` on the API port to requests with `Authorization: Bearer <token>` (at least 16 characters; compared in constant time)',
  },
  APERTURE_METRICS_PORT: {
    summary: 'serve `/metrics` on a listener of its own on this port',
    reference:
      'serve `GET /metrics` (and nothing else) on a listener of its own on this port; with a token set too, it asks for the token as well',
  },
  APERTURE_METRICS_HOST: {
    summary: 'interface of the metrics listener',
    reference: 'interface of the metrics listener: keep it off the public network, or set a token',
  },
  APERTURE_LOG_LEVEL: {
    summary: '`fatal` … `trace`, or `silent`',
    reference:
      '`fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`. The `Authorization` header is always redacted. `aperture serve` logs to stderr: JSON lines, or one line per request for people when stderr is a terminal',
  },
  AWS_REGION: {
    shownDefault: '`us-east-1`',
    summary: 'region of an `s3://` media URL without `region=`',
    reference: 'region of an `s3://` media URL that has no `region=` (see [Media URL](#media-url))',
  },
} satisfies Record<EnvVariable, VariableDoc>;
