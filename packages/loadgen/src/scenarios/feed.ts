import { clock } from '../engine/clock.js';
import { trpcQuery } from './trpc-get.js';
import type { Scenario, ScenarioContext } from './types.js';
import type { UserPool } from './users.js';

interface FeedPage {
  items: { id: string }[];
  nextCursor: string | null;
}

/** One visit to the home feed: the first page, then `nextCursor` for a few more. */
export async function readFeed(
  ctx: ScenarioContext,
  token: string,
  due: number,
  seen?: (ids: string[]) => void,
): Promise<void> {
  const pages = ctx.options.feedPages ?? 3;
  const limit = ctx.options.pageSize ?? 20;
  let cursor: string | null = null;
  for (let page = 0; page < pages; page++) {
    // The first page is timed from when the visit was due (open model); a follow-up page is sent
    // as soon as the previous one arrived, as a scrolling person does, so it is timed from then.
    const sentAt = page === 0 ? due : clock();
    const input: { limit: number; cursor?: string } = cursor === null ? { limit } : { limit, cursor };
    const result: FeedPage = await trpcQuery<FeedPage>(ctx, 'feed.home', input, token);
    const now = clock();
    ctx.recorder.latency('feed', now - sentAt, now);
    seen?.(result.items.map((post) => post.id));
    cursor = result.nextCursor;
    if (cursor === null) break;
  }
}

export function feedScenario(ctx: ScenarioContext, users: UserPool): Scenario {
  return { primary: 'feed', iteration: (due) => readFeed(ctx, users.randomToken(), due) };
}
