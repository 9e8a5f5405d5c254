import { FIRST_PAGE, readFeed } from './feed.js';
import { photoSource, uploadAndPost } from './upload.js';
import type { Scenario, ScenarioContext } from './types.js';
import type { UserPool } from './users.js';

const RECENT_POSTS = 200;

/**
 * The notes' traffic mix: `readsPerWrite` feed visits for each write (default 100:1), the writes
 * split evenly between a like, a comment and a new photo post. Likes and comments go to posts
 * this worker saw in feeds, as people react to what they scroll past.
 */
export function mixedScenario(ctx: ScenarioContext, users: UserPool): Scenario {
  const readsPerWrite = ctx.options.readsPerWrite ?? 100;
  const nextPhoto = photoSource(ctx.options.photos);
  const recent: string[] = [];
  const remember = (ids: string[]) => {
    for (const id of ids) {
      recent.push(id);
      if (recent.length > RECENT_POSTS) recent.shift();
    }
  };
  return {
    primary: FIRST_PAGE,
    async iteration(due) {
      const token = users.randomToken();
      if (Math.random() >= 1 / (readsPerWrite + 1)) return readFeed(ctx, token, due, remember);
      const client = ctx.client(token);
      const postId = recent[Math.floor(Math.random() * recent.length)];
      const write = Math.floor(Math.random() * 3);
      // Before any feed was read there is nothing to react to: post instead.
      if (postId === undefined || write === 0) {
        await uploadAndPost(ctx, token, { kind: 'photo', bytes: nextPhoto() }, due);
      } else if (write === 1) {
        await ctx.recorder.timed('like', due, () => client.likes.like(postId));
      } else {
        const body = 'Lovely light (loadgen)';
        await ctx.recorder.timed('comment', due, () => client.comments.create({ postId, body }));
      }
    },
  };
}
