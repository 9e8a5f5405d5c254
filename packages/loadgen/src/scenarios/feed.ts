import { clock } from '../engine/clock.js';
import { trpcQuery } from './trpc-get.js';
import type { Scenario, ScenarioContext } from './types.js';
import type { UserPool } from './users.js';

interface FeedPage {
  items: { id: string }[];
  nextCursor: string | null;
}

/** What a person waits for when they open the feed: its first page, timed from when the visit was due. */
export const FIRST_PAGE = 'feed';
/** Every page of a visit, each timed from its own send: how fast one page is served. */
export const EACH_PAGE = 'feed_page';

/**
 * One visit to the home feed: the first page, then `nextCursor` for a few more. The first page is
 * `feed`, on its own: were the later pages (sent as soon as the one before arrived, as a scrolling
 * person does) in the same histogram, a stall before the first page would count once in N samples
 * and hide in the percentiles. `feed_page` holds every page, timed from its own send.
 */
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
    // The first page is sent at its due time (open model), so its send is its due time.
    const sentAt = page === 0 ? due : clock();
    const input: { limit: number; cursor?: string } = cursor === null ? { limit } : { limit, cursor };
    const metrics = page === 0 ? [FIRST_PAGE, EACH_PAGE] : [EACH_PAGE];
    const result: FeedPage = await ctx.recorder.timed(metrics, sentAt, () =>
      trpcQuery<FeedPage>(ctx, 'feed.home', input, token),
    );
    seen?.(result.items.map((post) => post.id));
    cursor = result.nextCursor;
    if (cursor === null) break;
  }
}

export function feedScenario(ctx: ScenarioContext, users: UserPool): Scenario {
  return { primary: FIRST_PAGE, iteration: (due) => readFeed(ctx, users.randomToken(), due) };
}
