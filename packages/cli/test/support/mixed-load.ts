import sharp from 'sharp';
import { createClient, type ApertureClient } from '@aperture/sdk';

/** Fewer than the 20 posts a new follow backfills: every post of a followed account belongs in the timeline. */
export const MAX_POSTS_PER_AUTHOR = 15;
const PASSWORD = 'correct horse battery staple';
/** Far beyond any healthy call on a loaded machine. */
const CALL_TIMEOUT_MS = 45_000;

/**
 * Base URLs of the api processes, and which are dead. A client is given a home api; once its home
 * is dead its calls go to a live one, as a load balancer would send them.
 */
export class ApiRouter {
  private readonly dead = new Set<number>();
  constructor(readonly urls: string[]) {}

  markDead(api: number): void {
    this.dead.add(api);
  }

  route(home: number): number {
    if (!this.dead.has(home)) return home;
    const live = this.urls.findIndex((_, i) => !this.dead.has(i));
    if (live < 0) throw new Error('no api process is alive');
    return live;
  }

  /** A fetch for a client of `home` that rewrites its base URL; `used` hears which api answered. */
  fetchFor(home: number, used: (api: number) => void): typeof fetch {
    return (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      const api = this.route(home);
      const rewritten = url.startsWith(this.urls[home]!) ? this.urls[api] + url.slice(this.urls[home]!.length) : url;
      if (rewritten !== url || url.startsWith(this.urls[api]!)) used(api);
      return fetch(rewritten, init);
    };
  }
}

export interface Actor {
  id: string;
  client: ApertureClient;
  /** The api that answered this actor's latest call. */
  lastApi: number;
  posts: number;
}

/** Every write the servers acknowledged, and every call that failed, with when. */
export interface Ledger {
  users: Map<string, Actor>;
  posts: Map<string, { authorId: string; mediaIds: string[] }>;
  likes: { userId: string; postId: string; via: number }[];
  comments: Map<string, { authorId: string; postId: string; via: number }>;
  follows: { followerId: string; followeeId: string; via: number }[];
  failures: { op: string; startedAt: number; endedAt: number; error: string }[];
  ops: number;
}

export function newLedger(): Ledger {
  return { users: new Map(), posts: new Map(), likes: [], comments: new Map(), follows: [], failures: [], ops: 0 };
}

/** A small JPEG of seeded colour blocks: distinct bytes for every call. */
export async function smallJpeg(random: () => number): Promise<Uint8Array> {
  const cells = Buffer.from(Array.from({ length: 8 * 6 * 3 }, () => Math.floor(random() * 256)));
  const jpeg = await sharp(cells, { raw: { width: 8, height: 6, channels: 3 } })
    .resize(160, 120, { kernel: 'nearest' })
    .jpeg()
    .toBuffer();
  return new Uint8Array(jpeg);
}

/**
 * Mixed traffic of many actors through an `ApiRouter`: sign-ups, follows (everyone follows the
 * first actor, the star), photo posts, likes and comments, recording each acknowledged write.
 */
export class MixedLoad {
  readonly ledger = newLedger();
  private signups = 0;
  private readonly loops: Promise<void>[] = [];
  private readonly inFlight = new Set<{ op: string; startedAt: number }>();

  constructor(
    private readonly router: ApiRouter,
    private readonly random: () => number,
    private readonly prefix: string,
  ) {}

  /** Runs `call`; on success returns its value, on failure records it and returns undefined. */
  private async attempt<T>(op: string, call: () => Promise<T>): Promise<T | undefined> {
    const startedAt = Date.now();
    const call_ = { op, startedAt };
    this.ledger.ops += 1;
    this.inFlight.add(call_);
    try {
      return await call();
    } catch (error) {
      this.ledger.failures.push({ op, startedAt, endedAt: Date.now(), error: String(error) });
      return undefined;
    } finally {
      this.inFlight.delete(call_);
    }
  }

  /** The calls not answered yet, oldest first: what a load that does not finish is waiting for. */
  pending(): string[] {
    return [...this.inFlight].map((c) => `${c.op} for ${Date.now() - c.startedAt} ms`);
  }

  /** Registers a new actor homed on api `home % apis`; undefined if the sign-up failed. */
  async signUp(home: number): Promise<Actor | undefined> {
    const n = ++this.signups;
    const api = home % this.router.urls.length;
    const actor: Actor = { id: '', client: undefined as never, lastApi: api, posts: 0 };
    actor.client = createClient({
      url: this.router.urls[api]!,
      fetch: this.router.fetchFor(api, (used) => (actor.lastApi = used)),
    });
    const username = `${this.prefix}_${n}`;
    const result = await this.attempt('signUp', () =>
      actor.client.auth.register({ username, email: `${username}@example.com`, password: PASSWORD }),
    );
    if (!result) return undefined;
    actor.id = result.user.id;
    this.ledger.users.set(actor.id, actor);
    return actor;
  }

  async follow(actor: Actor, followeeId: string): Promise<void> {
    if (followeeId === actor.id) return;
    const done = await this.attempt('follow', () => actor.client.graph.follow(followeeId));
    if (done) this.ledger.follows.push({ followerId: actor.id, followeeId, via: actor.lastApi });
  }

  /** Starts `actor`'s loop of random actions until `until` (a Date.now() value). */
  run(actor: Actor, starId: string, until: number): void {
    this.loops.push(this.loop(actor, starId, until));
  }

  /** Resolves when every loop has stopped. */
  async finished(): Promise<void> {
    for (let i = 0; i < this.loops.length; i++) await this.loops[i];
  }

  private pick<T>(items: T[]): T | undefined {
    return items.length === 0 ? undefined : items[Math.floor(this.random() * items.length)];
  }

  private async loop(actor: Actor, starId: string, until: number): Promise<void> {
    while (Date.now() < until) {
      const roll = this.random();
      const postIds = [...this.ledger.posts.keys()];
      if (roll < 0.25 && actor.posts < MAX_POSTS_PER_AUTHOR) {
        actor.posts += 1;
        const photo = await smallJpeg(this.random);
        const post = await this.attempt('publish', () =>
          actor.client.posts.publish(photo, {
            caption: `chaos ${this.ledger.ops} #chaos`,
            // Bounded: a photo that never becomes ready fails the call instead of hanging the load.
            signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
          }),
        );
        if (post) this.ledger.posts.set(post.id, { authorId: actor.id, mediaIds: post.media.map((m) => m.id) });
      } else if (roll < 0.45) {
        // Half of the follows go to the star: one account with many followers.
        const followee = this.random() < 0.5 ? starId : this.pick([...this.ledger.users.keys()]);
        if (followee) await this.follow(actor, followee);
      } else if (roll < 0.7) {
        const postId = this.pick(postIds);
        const liked =
          postId === undefined ? undefined : await this.attempt('like', () => actor.client.likes.like(postId));
        if (liked && postId) this.ledger.likes.push({ userId: actor.id, postId, via: actor.lastApi });
      } else if (roll < 0.93) {
        const postId = this.pick(postIds);
        const comment =
          postId === undefined
            ? undefined
            : await this.attempt('comment', () => actor.client.comments.create({ postId, body: 'nice one' }));
        if (comment && postId) this.ledger.comments.set(comment.id, { authorId: actor.id, postId, via: actor.lastApi });
      } else if (this.signups < 40) {
        const newcomer = await this.signUp(this.signups);
        if (newcomer) {
          await this.follow(newcomer, starId);
          this.run(newcomer, starId, until);
        }
      }
    }
  }
}
