import { setTimeout as sleep } from 'node:timers/promises';
import { clock } from '../engine/clock.js';
import { RequestFailedError } from '../engine/error-code.js';
import { trpcQuery } from './trpc-get.js';
import { photoSource, uploadAndPost } from './upload.js';
import type { Scenario, ScenarioContext } from './types.js';
import type { UserPool } from './users.js';

const POLL_EVERY_MS = 100;

/**
 * Fan-out lag: an author posts, then a sample of their followers read their feeds until the post
 * is there. `fanout` is the time from the post's creation to the last sampled follower seeing it
 * (the notes' consistency SLA is about exactly this). Needs a seeded dataset: the followers'
 * tokens are derived from their ids.
 */
export function fanoutScenario(ctx: ScenarioContext, users: UserPool): Scenario {
  const nextPhoto = photoSource(ctx.options.photos);
  const authors = ctx.options.fanoutAuthors ?? range(1, Math.min(10, users.size));
  const sample = ctx.options.fanoutSample ?? 5;
  const timeoutMs = ctx.options.fanoutTimeoutMs ?? 60_000;
  return {
    primary: 'fanout',
    async iteration(due) {
      const author = authors[Math.floor(Math.random() * authors.length)]!;
      const token = users.tokenOf(author);
      if (token === undefined) throw new Error(`fanout needs a seeded dataset (no token for user ${author})`);
      const client = ctx.client(token);
      const followers = await client.graph.followers(String(author)).toArray({ max: 500 });
      const sampled = shuffle(followers.map((f) => Number(f.id)))
        .slice(0, sample)
        .flatMap((id) => {
          const t = users.tokenOf(id);
          return t === undefined ? [] : [t];
        });
      const post = await uploadAndPost(ctx, token, { kind: 'photo', bytes: nextPhoto() }, due);
      const postedAt = clock();
      await ctx.recorder.timed('fanout', postedAt, () =>
        Promise.all(sampled.map((t) => waitUntilVisible(ctx, t, post.id, postedAt + timeoutMs))),
      );
    },
  };
}

async function waitUntilVisible(ctx: ScenarioContext, token: string, postId: string, deadline: number) {
  while (clock() < deadline) {
    const page = await trpcQuery<{ items: { id: string }[] }>(ctx, 'feed.home', { limit: 20 }, token);
    if (page.items.some((item) => item.id === postId)) return;
    await sleep(POLL_EVERY_MS);
  }
  throw new RequestFailedError('FANOUT_TIMEOUT', `post ${postId} was not in a follower's feed in time`);
}

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
